import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type FolderListing } from '../services/api';
import { folderTree } from '../test/imports';
import { FolderBrowser } from './FolderBrowser';

const tree = folderTree({ '': ['holiday', 'work'], holiday: ['2023', '2024'], 'holiday/2024': [], work: [] });

function lister(listing: (path: string) => FolderListing = tree) {
  return vi.fn((path: string) => Promise.resolve(listing(path)));
}

const folders = () => screen.getByRole('list', { name: /^Folders in/ });
const crumbs = () => within(screen.getByRole('navigation', { name: 'Folder path' }));

describe('FolderBrowser', () => {
  it('opens folders, shows where it is in breadcrumbs, goes up and back, and chooses the folder shown', async () => {
    const list = lister();
    const onChoose = vi.fn();
    render(<FolderBrowser onChoose={onChoose} list={list} />);
    expect(await within(await screen.findByRole('list', { name: 'Folders in the media folder' })).findAllByRole('button')).toHaveLength(2);
    expect(screen.getByRole('button', { name: /Up one folder/ })).toBeDisabled();

    await userEvent.click(within(folders()).getByRole('button', { name: 'holiday' }));
    await userEvent.click(within(await screen.findByRole('list', { name: 'Folders in “holiday”' })).getByRole('button', { name: '2024' }));
    expect(await screen.findByText('No folders in here.')).toBeInTheDocument();
    expect(list).toHaveBeenLastCalledWith('holiday/2024', expect.any(AbortSignal));
    expect(crumbs().getByText('2024')).toHaveAttribute('aria-current', 'location');
    expect(crumbs().getAllByRole('button').map((button) => button.textContent)).toEqual(['Media folder', 'holiday']);

    await userEvent.click(screen.getByRole('button', { name: /Up one folder/ }));
    expect(await screen.findByRole('list', { name: 'Folders in “holiday”' })).toBeInTheDocument();
    await userEvent.click(crumbs().getByRole('button', { name: 'Media folder' }));
    expect(await screen.findByRole('list', { name: 'Folders in the media folder' })).toBeInTheDocument();

    await userEvent.click(within(folders()).getByRole('button', { name: 'work' }));
    await screen.findByText('No folders in here.');
    await userEvent.click(screen.getByRole('button', { name: 'Choose this folder' }));
    expect(onChoose).toHaveBeenCalledWith('work');
  });

  it('works from the keyboard: arrows between folders, Enter opens one and the focus lands on what it holds', async () => {
    render(<FolderBrowser onChoose={vi.fn()} list={lister()} />);
    const holiday = within(await screen.findByRole('list', { name: 'Folders in the media folder' })).getByRole('button', { name: 'holiday' });
    holiday.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(within(folders()).getByRole('button', { name: 'work' })).toHaveFocus();
    await userEvent.keyboard('{ArrowUp}{Enter}');
    expect(await screen.findByRole('heading', { name: 'Folders in “holiday”' })).toHaveFocus();
    expect(within(folders()).getAllByRole('button').map((button) => button.textContent)).toEqual(['2023', '2024']);
  });

  it('shows the server’s refusal as an alert and can try again', async () => {
    let fail = true;
    const list = vi.fn((path: string) =>
      fail ? Promise.reject(new ApiError('path: no such folder in the media folder', 400, { path })) : Promise.resolve(tree(path)),
    );
    render(<FolderBrowser onChoose={vi.fn()} list={list} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('path: no such folder in the media folder');
    expect(screen.getByRole('button', { name: 'Choose this folder' })).toBeDisabled();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('list', { name: 'Folders in the media folder' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says when the server listed only the first folders', async () => {
    const list = lister((path) => ({ ...tree(path), truncated: true }));
    render(<FolderBrowser onChoose={vi.fn()} list={list} />);
    expect(await screen.findByText('Only the first 2 folders are listed.')).toBeInTheDocument();
  });
});
