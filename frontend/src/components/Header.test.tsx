import { act, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeHealth, readProcessingHealth, useProcessingHealth } from '../hooks/useProcessingHealth';
import { jsonResponse } from '../test/fakes';
import { Header } from './Header';
import type { CurrentUser } from '../services/api';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('health indicator', () => {
  it.each([
    ['connected', 'ok', 'ok', 'Connected'],
    ['connected', 'workers-down', 'bad', 'Connected · workers down'],
    ['connected', 'unavailable', 'bad', 'Connected · processing unavailable'],
    ['connected', 'no-workers', 'warn', 'Connected · no workers'],
    ['reconnecting', 'workers-down', 'warn', 'Reconnecting…'],
    ['connecting', 'unknown', 'warn', 'Connecting…'],
    ['offline', 'ok', 'bad', 'Offline'],
  ] as const)('%s socket with %s workers reads %s: %s', (connection, processing, level, text) => {
    expect(describeHealth(connection, processing)).toEqual({ level, text });
  });

  it('announces the state in the header', () => {
    render(<Header connection="connected" processing={{ level: 'workers-down', detail: 'Work is queued and no worker is alive' }} />);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Server status: Connected · workers down. Work is queued and no worker is alive',
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('MAM');
  });

  it('reads the server report: 503 with no workers, 503 for another reason, idle without workers', () => {
    expect(readProcessingHealth({ ok: false, httpStatus: 503, body: { workers: { count: 0, live: [] }, error: 'stuck' } })).toEqual({
      level: 'workers-down',
      detail: 'stuck',
    });
    expect(readProcessingHealth({ ok: false, httpStatus: 503, body: { workers: { count: 2 }, error: 'Redis unavailable' } }).level).toBe(
      'unavailable',
    );
    expect(readProcessingHealth({ ok: true, httpStatus: 200, body: { workers: { count: 0 } } }).level).toBe('no-workers');
    expect(readProcessingHealth({ ok: true, httpStatus: 200, body: { workers: { count: 1 } } }).level).toBe('ok');
  });

  it('polls /health/processing every 15 seconds and reports a 503 as workers down', async () => {
    vi.useFakeTimers();
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockImplementationOnce(() => Promise.resolve(jsonResponse({ workers: { count: 2 } })))
      .mockImplementation(() =>
        Promise.resolve(jsonResponse({ queued: 4, workers: { count: 0, live: [] } }, 503, 'Service Unavailable')),
      );
    vi.stubGlobal('fetch', fetchMock);
    const { result } = renderHook(() => useProcessingHealth());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(result.current.level).toBe('ok');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(14_999);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(result.current.level).toBe('workers-down');
  });
});

describe('the signed-in user in the header', () => {
  const ok = { level: 'ok', detail: null } as const;
  const user = (role: CurrentUser['role'], auth_enabled = true): CurrentUser => ({ id: 2, username: 'alice', role, auth_enabled });

  it('shows the username and role, and signs out', async () => {
    const onSignOut = vi.fn(() => Promise.resolve());
    render(<Header connection="connected" processing={ok} user={user('editor')} onSignOut={onSignOut} />);
    expect(screen.getByText('alice')).toBeInTheDocument();
    expect(screen.getByText(/Signed in as/).closest('p')).toHaveTextContent('Signed in as alice role: editor');
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(onSignOut).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Signing out…' })).toBeDisabled();
  });

  it('shows why signing out failed and lets the user try again', async () => {
    const onSignOut = vi.fn(() => Promise.reject(new Error('Could not reach the MAM server.')));
    render(<Header connection="connected" processing={ok} user={user('viewer')} onSignOut={onSignOut} />);
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach the MAM server.');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeEnabled();
  });

  it('links the tokens page for everyone and the users page for admins only', async () => {
    const onNavigate = vi.fn();
    const { rerender } = render(
      <Header connection="connected" processing={ok} user={user('editor')} view="tokens" onNavigate={onNavigate} />,
    );
    let nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Library', 'Collections', 'Duplicates', 'API tokens']);
    expect(within(nav).queryByRole('link', { name: 'Django admin' })).not.toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'API tokens' })).toHaveAttribute('aria-current', 'page');
    rerender(<Header connection="connected" processing={ok} user={user('admin')} view="library" onNavigate={onNavigate} />);
    nav = screen.getByRole('navigation', { name: 'Main' });
    await userEvent.click(within(nav).getByRole('link', { name: 'Users' }));
    expect(onNavigate).toHaveBeenCalledWith('users');
    expect(within(nav).getByRole('link', { name: 'Users' })).toHaveAttribute('href', '/?view=users');
    expect(within(nav).getByRole('link', { name: 'Django admin' })).toHaveAttribute('href', '/admin/');
  });

  it('shows no account, sign-out or account pages when the server runs without accounts', () => {
    render(<Header connection="connected" processing={ok} user={user('admin', false)} onSignOut={vi.fn()} />);
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Library', 'Collections', 'Duplicates']);
    expect(screen.queryByText('alice')).not.toBeInTheDocument();
  });
});
