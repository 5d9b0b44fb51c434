import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onSessionExpired } from '../services/api';
import { errorResponse, jsonResponse, routeFetch } from '../test/fakes';
import { LoginPage } from './LoginPage';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

async function signInAs(username: string, password: string) {
  await userEvent.type(screen.getByLabelText('Username'), username);
  await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('login page', () => {
  it('signs in with the CSRF cookie and hands the user on', async () => {
    document.cookie = 'csrftoken=before-login';
    const calls = routeFetch({
      'POST /api/v1/auth/login': () => jsonResponse({ id: 3, username: 'alice', role: 'editor', auth_enabled: true }),
    });
    const onSignedIn = vi.fn();
    render(<LoginPage onSignedIn={onSignedIn} />);
    await signInAs(' alice ', 's3cret pass');
    expect(onSignedIn).toHaveBeenCalledWith({ id: 3, username: 'alice', role: 'editor', auth_enabled: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { username: 'alice', password: 's3cret pass' },
      credentials: 'same-origin',
    });
    expect(calls[0]?.headers['X-CSRFToken']).toBe('before-login');
  });

  it('shows the server message for a wrong password, clears the password, and is no ended session', async () => {
    routeFetch({ 'POST /api/v1/auth/login': () => errorResponse(401, 'Wrong username or password.') });
    const expired = vi.fn();
    const stop = onSessionExpired(expired);
    const onSignedIn = vi.fn();
    render(<LoginPage onSignedIn={onSignedIn} />);
    await signInAs('alice', 'nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Username')).toHaveValue('alice');
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(expired).not.toHaveBeenCalled();
    stop();
  });

  it('after too many attempts (429) says how long to wait and holds the button until then', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    routeFetch({ 'POST /api/v1/auth/login': () => errorResponse(429, 'Too many login attempts.', {}, { 'Retry-After': '30' }) });
    render(<LoginPage onSignedIn={vi.fn()} />);
    await signInAs('alice', 'guess');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in 30 seconds.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    await act(() => vi.advanceTimersByTimeAsync(29_000));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('asks for both fields before sending anything', async () => {
    const calls = routeFetch({});
    render(<LoginPage onSignedIn={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your username and password.');
    expect(calls).toHaveLength(0);
  });

  it('says why it is shown when the session ended', () => {
    render(<LoginPage onSignedIn={vi.fn()} notice="Your session has ended. Sign in again to continue." />);
    expect(screen.getByRole('status')).toHaveTextContent('Your session has ended.');
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});
