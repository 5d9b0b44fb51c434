import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CurrentUser, UserAccount } from '../services/api';
import { errorResponse, jsonResponse, routeFetch, type RecordedCall } from '../test/fakes';
import { UsersPage } from './UsersPage';

const me: CurrentUser = { id: 1, username: 'root', role: 'admin', auth_enabled: true };

function account(overrides: Partial<UserAccount>): UserAccount {
  return {
    id: 1,
    username: 'root',
    role: 'admin',
    is_active: true,
    date_joined: '2026-01-01T10:00:00Z',
    last_login: null,
    ...overrides,
  };
}

/** A users endpoint over a list that PATCH changes, refusing an admin's changes to themselves as the server does. */
function usersServer(users: UserAccount[]): RecordedCall[] {
  const patch = (id: number) => (call: RecordedCall) => {
    const change = call.body as Partial<UserAccount>;
    // The server echoes the refused value in context.fields: not a message to show under a field.
    if (id === me.id && 'role' in change) return errorResponse(400, 'You cannot change your own role', { fields: { role: change.role } });
    if (id === me.id) return errorResponse(400, 'You cannot deactivate yourself', { fields: { is_active: false } });
    const index = users.findIndex((user) => user.id === id);
    users[index] = { ...users[index]!, ...change };
    return jsonResponse(users[index]);
  };
  return routeFetch({
    'GET /api/v1/auth/users': () => jsonResponse({ items: users }),
    'POST /api/v1/auth/users': (call) => {
      const body = call.body as { username: string; password: string; role: string };
      if (body.username === 'bob')
        return errorResponse(400, 'The user could not be created.', {
          fields: {
            username: ['A user with that username already exists.'],
            password: ['This password is too short. It must contain at least 12 characters.', 'This password is too common.'],
          },
        });
      return jsonResponse(account({ id: 9, username: body.username, role: body.role as UserAccount['role'] }), 201, 'Created');
    },
    'PATCH /api/v1/auth/users/1': patch(1),
    'PATCH /api/v1/auth/users/2': patch(2),
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

function rowOf(username: string): HTMLElement {
  return screen.getByRole('rowheader', { name: new RegExp(`^${username}`) }).closest('tr')!;
}

describe('users page', () => {
  it('creates a user, showing the server’s messages under each field first', async () => {
    const calls = usersServer([account({}), account({ id: 2, username: 'bob', role: 'viewer' })]);
    render(<UsersPage currentUser={me} />);
    await screen.findByRole('rowheader', { name: 'bob' });
    const form = screen.getByRole('form', { name: 'New user' });

    await userEvent.type(within(form).getByLabelText('Username'), 'bob');
    await userEvent.type(within(form).getByLabelText('Initial password'), 'short');
    await userEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    const username = within(form).getByLabelText('Username');
    const password = within(form).getByLabelText('Initial password');
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(username).toHaveAccessibleDescription('A user with that username already exists.');
    expect(password).toHaveAccessibleDescription(
      'This password is too short. It must contain at least 12 characters. This password is too common.',
    );

    await userEvent.clear(username);
    await userEvent.type(username, 'carol');
    await userEvent.clear(password);
    await userEvent.type(password, 'a long enough passphrase');
    await userEvent.selectOptions(within(form).getByLabelText('Role'), 'editor');
    await userEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('rowheader', { name: 'carol' })).toBeInTheDocument();
    expect(within(form).queryByRole('alert')).not.toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'POST').at(-1)?.body).toEqual({
      username: 'carol',
      password: 'a long enough passphrase',
      role: 'editor',
    });
    expect(within(rowOf('carol')).getByLabelText('Role of carol')).toHaveValue('editor');
  });

  it('changes a role', async () => {
    const calls = usersServer([account({}), account({ id: 2, username: 'bob', role: 'viewer' })]);
    render(<UsersPage currentUser={me} />);
    const select = await screen.findByLabelText('Role of bob');
    await userEvent.selectOptions(select, 'editor');
    expect(calls.find((call) => call.method === 'PATCH')).toMatchObject({ url: '/api/v1/auth/users/2', body: { role: 'editor' } });
    expect(await screen.findByLabelText('Role of bob')).toHaveValue('editor');
  });

  it('deactivates after confirmation, and can reactivate', async () => {
    const calls = usersServer([account({}), account({ id: 2, username: 'bob', role: 'viewer' })]);
    render(<UsersPage currentUser={me} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Deactivate bob' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Deactivate “bob”?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Deactivate' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(calls.find((call) => call.method === 'PATCH')).toMatchObject({ url: '/api/v1/auth/users/2', body: { is_active: false } });
    expect(rowOf('bob')).toHaveTextContent('deactivated');
    await userEvent.click(screen.getByRole('button', { name: 'Reactivate bob' }));
    expect(await within(rowOf('bob')).findByText('active')).toBeInTheDocument();
  });

  it('shows the server’s refusal when an admin changes their own role, and keeps the old one', async () => {
    usersServer([account({}), account({ id: 2, username: 'bob', role: 'viewer' })]);
    render(<UsersPage currentUser={me} />);
    expect(await screen.findByRole('rowheader', { name: 'root (you)' })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Role of root'), 'viewer');
    expect(await screen.findByRole('alert')).toHaveTextContent('root: You cannot change your own role');
    expect(screen.getByLabelText('Role of root')).toHaveValue('admin');

    await userEvent.click(screen.getByRole('button', { name: 'Deactivate root' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Deactivate' }));
    expect(await within(screen.getByRole('alertdialog')).findByRole('alert')).toHaveTextContent('You cannot deactivate yourself');
    expect(rowOf('root')).not.toHaveTextContent('deactivated');
  });

  it('sets a new password, showing the server’s password rules when it refuses one', async () => {
    const calls = routeFetch({
      'GET /api/v1/auth/users': () => jsonResponse({ items: [account({}), account({ id: 2, username: 'bob', role: 'viewer' })] }),
      'PATCH /api/v1/auth/users/2': (call) =>
        (call.body as { password: string }).password === 'bob'
          ? errorResponse(400, 'password: The password is too similar to the username.', {
              fields: { password: ['The password is too similar to the username.'] },
            })
          : jsonResponse(account({ id: 2, username: 'bob', role: 'viewer' })),
    });
    render(<UsersPage currentUser={me} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Set a new password for bob' }));
    const dialog = screen.getByRole('dialog', { name: 'New password for “bob”' });
    const field = within(dialog).getByLabelText('New password');
    expect(field).toHaveFocus();
    await userEvent.type(field, 'bob{Enter}');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The password is too similar to the username.');
    await userEvent.clear(field);
    await userEvent.type(field, 'correct horse battery staple');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText('Set a new password for “bob”.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { password: 'bob' },
      { password: 'correct horse battery staple' },
    ]);
  });

  it('shows a 403 with the server’s message', async () => {
    routeFetch({ 'GET /api/v1/auth/users': () => errorResponse(403, 'Only admins can manage users.') });
    render(<UsersPage currentUser={me} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Only admins can manage users.');
  });
});
