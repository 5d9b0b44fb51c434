import { describe, expect, it } from 'vitest';
import { keyBelongsToTarget, swipeCommandOf, viewerCommandOf } from './viewerKeys';

function press(key: string, target: EventTarget | null = document.body, extra: Partial<KeyboardEvent> = {}) {
  return viewerCommandOf({ key, target, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, ...extra });
}

function element(html: string): Element {
  const holder = document.createElement('div');
  holder.innerHTML = html;
  document.body.append(holder);
  return holder.querySelector('[data-target]') ?? (holder.firstElementChild as Element);
}

describe('viewer keys', () => {
  it.each([
    ['ArrowLeft', 'previous'],
    ['ArrowRight', 'next'],
    ['Escape', 'close'],
    ['?', 'help'],
    ['a', null],
    ['ArrowUp', null],
  ])('reads %s as %s', (key, command) => {
    expect(press(key)).toBe(command);
  });

  it('leaves keys with a modifier, and keys already handled, alone', () => {
    expect(press('ArrowLeft', document.body, { altKey: true })).toBeNull();
    expect(press('ArrowRight', document.body, { metaKey: true })).toBeNull();
    expect(press('ArrowRight', document.body, { defaultPrevented: true })).toBeNull();
  });

  it.each([
    ['<input type="text">'],
    ['<input>'],
    ['<input type="search">'],
    ['<textarea></textarea>'],
    ['<select><option>a</option></select>'],
    ['<div contenteditable="true"></div>'],
    ['<video controls></video>'],
    ['<div role="slider" tabindex="0"></div>'],
    ['<div data-own-keys tabindex="0"><img data-target alt=""></div>'],
  ])('gives the keys to %s, where they type, seek or pan', (html) => {
    const target = element(html);
    expect(keyBelongsToTarget(target)).toBe(true);
    expect(press('ArrowRight', target)).toBeNull();
    expect(press('?', target)).toBeNull();
  });

  it.each([['<button>Next</button>'], ['<input type="checkbox">'], ['<a href="/x">x</a>']])('still walks the list from %s', (html) => {
    expect(press('ArrowRight', element(html))).toBe('next');
  });

  it.each([
    [-120, 10, 'next'],
    [120, -20, 'previous'],
    [30, 0, null],
    [-80, 90, null],
  ])('reads a swipe of %i, %i px as %s', (dx, dy, command) => {
    expect(swipeCommandOf(dx, dy)).toBe(command);
  });
});
