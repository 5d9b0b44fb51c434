// Test setup: jest-dom matchers, a clean DOM between tests, and window scrolling, which jsdom lacks.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

beforeEach(() => {
  // The library's virtualized grid writes the window's offset back when it mounts.
  vi.spyOn(window, 'scrollTo').mockImplementation((options?: ScrollToOptions | number) => {
    if (typeof options === 'object' && typeof options.top === 'number') Object.assign(window, { scrollY: options.top });
  });
});

afterEach(() => {
  cleanup();
});
