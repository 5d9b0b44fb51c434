/**
 * The detail view's keyboard shortcuts: which key does what, and when a key belongs to something
 * else (a field being typed in, the video's own controls, a slider, the zoomed picture's panning).
 */

export type ViewerCommand = 'previous' | 'next' | 'close' | 'help';

/** What the shortcuts overlay lists, in its order. */
export const VIEWER_SHORTCUTS: readonly { keys: string[]; does: string }[] = [
  { keys: ['←'], does: 'Previous asset' },
  { keys: ['→'], does: 'Next asset' },
  { keys: ['Esc'], does: 'Close the viewer (or this list)' },
  { keys: ['?'], does: 'Show these shortcuts' },
  { keys: ['Swipe'], does: 'Previous or next asset, on a touch screen' },
  { keys: ['Click'], does: 'Zoom a picture to 100% and back' },
];

const KEYS: Record<string, ViewerCommand> = {
  ArrowLeft: 'previous',
  ArrowRight: 'next',
  Escape: 'close',
  '?': 'help',
};

// Inputs whose keys are not text: a shortcut still works while one has the focus.
const NON_TEXT_INPUTS = new Set(['checkbox', 'button', 'submit', 'reset', 'image', 'file', 'color']);

// Widgets that use the arrow keys themselves.
const OWN_KEYS_SELECTOR =
  'textarea, select, video, audio, [contenteditable=""], [contenteditable="true"], [role="slider"], [role="listbox"], [role="combobox"], [role="menu"], [role="textbox"], [data-own-keys]';

/** Whether a key pressed on this element is its own (typing, seeking, panning), not a shortcut. */
export function keyBelongsToTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target.closest(OWN_KEYS_SELECTOR) !== null;
}

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'defaultPrevented'>;

/** The shortcut a key press asks for, or null when it is not one (or is someone else's). */
export function viewerCommandOf(event: KeyLike): ViewerCommand | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  const command = KEYS[event.key];
  if (!command || keyBelongsToTarget(event.target)) return null;
  return command;
}

/** The least horizontal travel, in CSS pixels, that counts as a swipe. */
export const SWIPE_MIN_DISTANCE = 50;

/** A pointer's travel from down to up as a swipe: 'next' leftwards, 'previous' rightwards, null when mostly vertical or short. */
export function swipeCommandOf(dx: number, dy: number): 'previous' | 'next' | null {
  if (Math.abs(dx) < SWIPE_MIN_DISTANCE || Math.abs(dx) < 1.5 * Math.abs(dy)) return null;
  return dx < 0 ? 'next' : 'previous';
}
