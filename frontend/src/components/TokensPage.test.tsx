import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, routeFetch } from '../test/fakes';
import { TokensPage } from './TokensPage';

const existing = {
  id: 1,
  name: 'laptop sync',
  scope: 'read',
  created_at: '2026-02-01T10:00:00Z',
  last_used_at: null,
  prefix: 'mam_ab12cd',
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('tokens page', () => {
  it('lists the user’s tokens by name, access and prefix, never a secret', async () => {
    routeFetch({ 'GET /api/v1/auth/tokens': () => jsonResponse({ items: [existing] }) });
    render(<TokensPage />);
    const row = (await screen.findByRole('rowheader', { name: 'laptop sync' })).closest('tr')!;
    expect(row).toHaveTextContent('read');
    expect(row).toHaveTextContent('mam_ab12cd…');
    expect(row).toHaveTextContent('never');
  });

  it('shows a new token’s secret once, with a copy button and the warning, then never again', async () => {
    document.cookie = 'csrftoken=tok-1';
    const calls = routeFetch({
      'GET /api/v1/auth/tokens': () => jsonResponse({ items: [existing] }),
      'POST /api/v1/auth/tokens': (call) =>
        jsonResponse(
          { id: 2, ...(call.body as object), created_at: '2026-03-01T10:00:00Z', last_used_at: null, prefix: 'mam_99ff00', token: 'mam_99ff00_SECRET' },
          201,
          'Created',
        ),
    });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<TokensPage />);
    await screen.findByRole('rowheader', { name: 'laptop sync' });

    await userEvent.type(screen.getByLabelText('Token name'), 'nightly import');
    await userEvent.selectOptions(screen.getByLabelText('Access'), 'write');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const post = calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({ name: 'nightly import', scope: 'write' });
    expect(post?.headers['X-CSRFToken']).toBe('tok-1');
    const secret = await screen.findByRole('region', { name: 'Token “nightly import” created' });
    expect(within(secret).getByText('Copy it now: it will not be shown again.')).toBeInTheDocument();
    expect(within(secret).getByLabelText('New token')).toHaveValue('mam_99ff00_SECRET');
    await userEvent.click(within(secret).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('mam_99ff00_SECRET');
    expect(await within(secret).findByText('Copied to the clipboard.')).toBeInTheDocument();
    expect(screen.getByRole('rowheader', { name: 'nightly import' }).closest('tr')).toHaveTextContent('mam_99ff00…');

    await userEvent.click(within(secret).getByRole('button', { name: 'Done' }));
    expect(screen.queryByDisplayValue('mam_99ff00_SECRET')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('SECRET');
    expect(screen.getByRole('button', { name: 'Create token' })).toBeInTheDocument();
  });

  it('shows the server’s message for a refused name', async () => {
    routeFetch({
      'GET /api/v1/auth/tokens': () => jsonResponse({ items: [] }),
      'POST /api/v1/auth/tokens': () =>
        errorResponse(400, 'Invalid token.', { fields: { name: ['You already have a token with this name.'] } }),
    });
    render(<TokensPage />);
    expect(await screen.findByText('You have no tokens yet.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Token name'), 'twice');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You already have a token with this name.');
    expect(screen.getByLabelText('Token name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('offers a viewer read tokens only', async () => {
    routeFetch({ 'GET /api/v1/auth/tokens': () => jsonResponse({ items: [] }) });
    render(<TokensPage canWrite={false} />);
    await screen.findByText('You have no tokens yet.');
    const options = within(screen.getByLabelText('Access')).getAllByRole('option');
    expect(options.map((option) => (option as HTMLOptionElement).value)).toEqual(['read']);
  });

  it('revokes only after confirmation', async () => {
    document.cookie = 'csrftoken=tok-2';
    const calls = routeFetch({
      'GET /api/v1/auth/tokens': () => jsonResponse({ items: [existing] }),
      'DELETE /api/v1/auth/tokens/1': () => new Response(null, { status: 204 }),
    });
    render(<TokensPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke laptop sync' }));
    let confirm = screen.getByRole('alertdialog', { name: 'Revoke “laptop sync”?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    expect(screen.getByRole('rowheader', { name: 'laptop sync' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Revoke laptop sync' }));
    confirm = screen.getByRole('alertdialog');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('You have no tokens yet.')).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    const revoke = calls.find((call) => call.method === 'DELETE');
    expect(revoke?.url).toBe('/api/v1/auth/tokens/1');
    expect(revoke?.headers['X-CSRFToken']).toBe('tok-2');
  });

  it('keeps the dialog open with the server’s message when revoking fails', async () => {
    routeFetch({
      'GET /api/v1/auth/tokens': () => jsonResponse({ items: [existing] }),
      'DELETE /api/v1/auth/tokens/1': () => errorResponse(403, 'You may not revoke this token.'),
    });
    render(<TokensPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke laptop sync' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke' }));
    expect(await within(screen.getByRole('alertdialog')).findByRole('alert')).toHaveTextContent(
      'You may not revoke this token.',
    );
  });
});
