// Test setup: jest-dom matchers, a clean DOM between tests, and window scrolling, which jsdom lacks.
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

// findBy* and waitFor wait up to 5 s, not 1: the whole App's first render in a file took 2 s
// on a CI machine running the Python suite beside these (a timeout, not a wrong answer).
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  // The library's virtualized grid writes the window's offset back when it mounts.
  vi.spyOn(window, 'scrollTo').mockImplementation((options?: ScrollToOptions | number) => {
    if (typeof options === 'object' && typeof options.top === 'number') Object.assign(window, { scrollY: options.top });
  });
});

afterEach(() => {
  cleanup();
});
