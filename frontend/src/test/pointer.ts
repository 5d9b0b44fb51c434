/** jsdom has no PointerEvent: a MouseEvent with the pointer's fields, so fireEvent.pointer* carries clientX, pointerType and the rest. */
import { vi } from 'vitest';

class FakePointerEvent extends MouseEvent {
  readonly pointerId: number;
  readonly pointerType: string;
  readonly isPrimary: boolean;

  constructor(type: string, init: PointerEventInit = {}) {
    super(type, init);
    this.pointerId = init.pointerId ?? 1;
    this.pointerType = init.pointerType ?? 'mouse';
    this.isPrimary = init.isPrimary ?? true;
  }
}

/** Installs the stand-in for this test file (undone by vi.unstubAllGlobals). */
export function installPointerEvents(): void {
  if (typeof window.PointerEvent === 'undefined') vi.stubGlobal('PointerEvent', FakePointerEvent);
}
