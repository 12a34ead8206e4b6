import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { selfUser } from '../../../test-support/fixtures';
import { fakeServer } from '../../../test-support/network';
import { MAX_AVATAR_BYTES as SERVER_MAX } from '@herald/shared';
import { MAX_AVATAR_BYTES } from '../avatar';
import { useAuth } from '../store';
import { AvatarSettings } from './avatar-settings';

const me = selfUser({ username: 'alice', displayName: 'Alice Liddell' });
const URL1 = `/api/users/${me.id}/avatar?v=one`;

beforeEach(() => {
  useAuth.setState({ status: 'signed-in', me, passwordWork: null });
});

describe('the profile picture control (issue 13, item 10)', () => {
  it('uploads the prepared picture as base64, then shows it; Remove picture brings the initials back', async () => {
    const server = fakeServer()
      .on('PUT', '/api/users/me/avatar', () => ({ data: { ...me, avatarUrl: URL1 } }))
      .on('DELETE', '/api/users/me/avatar', () => ({ data: { ...me, avatarUrl: null } }));
    const prepare = vi.fn(async () => new Blob([new Uint8Array([1, 2, 3, 250])], { type: 'image/webp' }));
    const person = userEvent.setup();
    render(<AvatarSettings prepare={prepare} />);
    expect(screen.getByRole('group', { name: 'Profile picture' })).toHaveTextContent('AL');
    expect(screen.queryByRole('button', { name: 'Remove picture' })).toBeNull();

    const file = new File([new Uint8Array([137, 80, 78, 71])], 'me.png', { type: 'image/png' });
    await person.upload(screen.getByTestId('avatar-input'), file);
    await waitFor(() => expect(screen.getByTestId('user-avatar')).toHaveAttribute('src', URL1));
    expect(prepare).toHaveBeenCalledWith(file);
    expect(server.callsTo('PUT', '/api/users/me/avatar')[0]!.body).toEqual({ image: btoa('\x01\x02\x03\xfa') });
    expect(useAuth.getState().me!.avatarUrl).toBe(URL1);

    await person.click(screen.getByRole('button', { name: 'Remove picture' }));
    await waitFor(() => expect(screen.queryByTestId('user-avatar')).toBeNull());
    expect(useAuth.getState().me!.avatarUrl).toBeNull();
    expect(screen.getByRole('button', { name: 'Upload picture…' })).toBeInTheDocument();
  });

  it('says why the server refused a picture, and keeps what was there', async () => {
    fakeServer().on('PUT', '/api/users/me/avatar', () => ({
      status: 422,
      error: { code: 'unprocessable', message: 'The picture is damaged: cut short, or with data after its end.' },
    }));
    const person = userEvent.setup();
    render(<AvatarSettings prepare={async (f) => f} />);
    await person.upload(screen.getByTestId('avatar-input'), new File(['x'], 'x.png', { type: 'image/png' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The picture is damaged');
    expect(useAuth.getState().me!.avatarUrl).toBeNull();
  });

  it("the device's size limit is the server's", () => {
    expect(MAX_AVATAR_BYTES).toBe(SERVER_MAX);
  });
});
