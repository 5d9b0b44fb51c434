import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../services/api';
import { makeAsset } from '../test/fakes';
import { RegisterPathForm } from './RegisterPathForm';

describe('RegisterPathForm', () => {
  it('shows the server 400 message next to the path field as an alert', async () => {
    const register = vi.fn().mockRejectedValue(
      new ApiError('Path escapes the media folder', 400, { file_path: '../etc/passwd' }),
    );
    render(<RegisterPathForm onRegistered={vi.fn()} onOpen={vi.fn()} register={register} />);
    await userEvent.type(screen.getByLabelText('Path in the media folder'), '../etc/passwd');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Path escapes the media folder');
    const field = screen.getByLabelText('Path in the media folder');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription('Path escapes the media folder');
    expect(register).toHaveBeenCalledWith('../etc/passwd', '');
  });

  it('offers to open the existing asset on a 409', async () => {
    const onOpen = vi.fn();
    const register = vi.fn().mockRejectedValue(new ApiError('Already registered', 409, { asset_id: 4 }));
    render(<RegisterPathForm onRegistered={vi.fn()} onOpen={onOpen} register={register} />);
    await userEvent.type(screen.getByLabelText('Path in the media folder'), 'a.jpg');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Already registered');
    await userEvent.click(screen.getByRole('button', { name: 'Open the existing asset' }));
    expect(onOpen).toHaveBeenCalledWith(4);
  });

  it('hands the new asset on and clears the form on success', async () => {
    const onRegistered = vi.fn();
    const asset = makeAsset({ id: 8, title: 'Sunset' });
    const register = vi.fn().mockResolvedValue(asset);
    render(<RegisterPathForm onRegistered={onRegistered} onOpen={vi.fn()} register={register} />);
    await userEvent.type(screen.getByLabelText('Path in the media folder'), 'sun/set.png');
    await userEvent.type(screen.getByLabelText('Title (optional)'), 'Sunset');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(onRegistered).toHaveBeenCalledWith(asset);
    expect(register).toHaveBeenCalledWith('sun/set.png', 'Sunset');
    expect(screen.getByLabelText('Path in the media folder')).toHaveValue('');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByText(/Registered “Sunset”/)).toBeInTheDocument();
  });

  it('asks for a path before sending anything', async () => {
    const register = vi.fn();
    render(<RegisterPathForm onRegistered={vi.fn()} onOpen={vi.fn()} register={register} />);
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/relative to the media folder/);
    expect(register).not.toHaveBeenCalled();
  });
});
