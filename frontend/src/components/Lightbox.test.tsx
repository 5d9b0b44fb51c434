import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeAsset } from '../test/fakes';
import { installPointerEvents } from '../test/pointer';
import { AssetDetail } from './AssetDetail';
import { Lightbox } from './Lightbox';

beforeEach(() => {
  installPointerEvents();
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString();
      const id = Number(/\/assets\/(\d+)$/.exec(url)?.[1]);
      return Promise.resolve(jsonResponse(makeAsset({ id, title: `Asset ${id}` })));
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderViewer(assetId = 3) {
  const props = { onClose: vi.fn(), onChanged: vi.fn(), onDeleted: vi.fn(), onPrevious: vi.fn(), onNext: vi.fn() };
  const view = render(<AssetDetail assetId={assetId} connection={null} position="2 of 3" {...props} />);
  return { ...props, view };
}

describe('the detail view as a lightbox', () => {
  it('moves with the arrow keys and closes with Escape, wherever the focus is in the page', async () => {
    const { onPrevious, onNext, onClose } = renderViewer();
    await screen.findByRole('dialog', { name: 'Asset 3' });
    expect(screen.getByText('2 of 3')).toBeInTheDocument();
    await userEvent.keyboard('{ArrowRight}');
    expect(onNext).toHaveBeenCalledTimes(1);
    await userEvent.keyboard('{ArrowLeft}');
    expect(onPrevious).toHaveBeenCalledTimes(1);
    // The focus on the page itself (after a click on the backdrop's picture, say): the keys still work.
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(onNext).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('has previous and next buttons, disabled at the ends of the list', async () => {
    const onNext = vi.fn();
    render(<AssetDetail assetId={3} connection={null} onClose={vi.fn()} onChanged={vi.fn()} onDeleted={vi.fn()} onPrevious={null} onNext={onNext} />);
    await screen.findByRole('dialog', { name: 'Asset 3' });
    expect(screen.getByRole('button', { name: /Previous/ })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: /Next/ }));
    expect(onNext).toHaveBeenCalledTimes(1);
    // Nothing before it: the left arrow does nothing (and breaks nothing).
    await userEvent.keyboard('{ArrowLeft}');
  });

  it('keeps the keys in a field being typed in: renaming does not walk the list', async () => {
    const { onPrevious, onNext, onClose } = renderViewer();
    const detail = await screen.findByRole('dialog', { name: 'Asset 3' });
    await userEvent.click(within(detail).getByRole('button', { name: 'Rename' }));
    const field = within(detail).getByRole('textbox', { name: /title/i });
    await userEvent.type(field, 'x{ArrowLeft}{ArrowRight}?');
    expect(field).toHaveValue('Asset 3x?');
    expect(onPrevious).not.toHaveBeenCalled();
    expect(onNext).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).not.toBeInTheDocument();
  });

  it('lists the shortcuts on ?, and Escape then closes only that list', async () => {
    const { onClose, onNext } = renderViewer();
    await screen.findByRole('dialog', { name: 'Asset 3' });
    await userEvent.keyboard('?');
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(help).getByText('Next asset')).toBeInTheDocument();
    expect(within(help).getByText('Previous asset')).toBeInTheDocument();
    expect(within(help).getByText('→')).toBeInTheDocument();
    // While the list is open the arrows are not the viewer's.
    await userEvent.keyboard('{ArrowRight}');
    expect(onNext).not.toHaveBeenCalled();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Asset 3' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
  });

  it('shows the next asset in the same dialog, the list’s copy while the fresh one loads', async () => {
    const props = { onClose: vi.fn(), onChanged: vi.fn(), onDeleted: vi.fn() };
    const { rerender } = render(<AssetDetail assetId={3} connection={null} {...props} />);
    const detail = await screen.findByRole('dialog', { name: 'Asset 3' });
    const listed = makeAsset({ id: 4, title: 'Listed copy of 4' });
    rerender(<AssetDetail assetId={4} connection={null} listed={listed} {...props} />);
    expect(screen.getByRole('dialog')).toBe(detail);
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Listed copy of 4');
    expect(await screen.findByRole('heading', { name: 'Asset 4' })).toBeInTheDocument();
  });
});

describe('Lightbox swipes', () => {
  function swipe(target: Element, fromX: number, toX: number, pointerType = 'touch') {
    fireEvent.pointerDown(target, { pointerId: 7, pointerType, clientX: fromX, clientY: 100 });
    fireEvent.pointerUp(target, { pointerId: 7, pointerType, clientX: toX, clientY: 110 });
  }

  it('goes to the next asset on a leftward swipe and the previous on a rightward one', () => {
    const onPrevious = vi.fn();
    const onNext = vi.fn();
    render(
      <Lightbox onPrevious={onPrevious} onNext={onNext}>
        <img alt="Harbour" />
      </Lightbox>,
    );
    const picture = screen.getByRole('img', { name: 'Harbour' });
    swipe(picture, 300, 120);
    expect(onNext).toHaveBeenCalledTimes(1);
    swipe(picture, 120, 300);
    expect(onPrevious).toHaveBeenCalledTimes(1);
    // Too short, or a mouse drag: not a swipe.
    swipe(picture, 300, 280);
    swipe(picture, 300, 100, 'mouse');
    expect(onNext).toHaveBeenCalledTimes(1);
    expect(onPrevious).toHaveBeenCalledTimes(1);
  });

  it('leaves a swipe on a video or a zoomed picture to them', () => {
    const onNext = vi.fn();
    render(
      <Lightbox onPrevious={null} onNext={onNext}>
        <video aria-label="Video: Clip" />
        <div data-no-swipe>
          <img alt="Zoomed" />
        </div>
      </Lightbox>,
    );
    swipe(screen.getByLabelText('Video: Clip'), 300, 100);
    swipe(screen.getByRole('img', { name: 'Zoomed' }), 300, 100);
    expect(onNext).not.toHaveBeenCalled();
  });
});
