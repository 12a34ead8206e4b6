import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { selfUser } from '../../../test-support/fixtures';
import { fakeServer } from '../../../test-support/network';
import * as time from '../../../lib/time';
import { deriveAuthKey } from '../kdf';
import { useAuth } from '../store';
import { AccountSettings } from './account-settings';

vi.mock('../../../lib/time', async (importOriginal) => {
  const original = await importOriginal<typeof time>();
  // Called once per render of the profile section (the part with the ~420 time zones).
  return { ...original, formatClock: vi.fn(original.formatClock) };
});

const KDF = { algorithm: 'argon2id' as const, memoryKiB: 2048, iterations: 1, parallelism: 1 };
const SALT = 'c2FsdHNhbHRzYWx0c2FsdHNhbHQ';

beforeEach(() => {
  useAuth.setState({ status: 'signed-in', me: selfUser({ username: 'alice' }), passwordWork: null });
  vi.mocked(time.formatClock).mockClear();
});

describe('changing the password (item 16)', () => {
  it('progress does not redraw the settings screen (its time-zone list) on every tick', () => {
    render(<AccountSettings />);
    const renders = vi.mocked(time.formatClock).mock.calls.length;
    for (let i = 0; i <= 100; i++) {
      act(() => useAuth.setState({ passwordWork: { task: 'Working…', fraction: i / 100 } }));
    }
    expect(vi.mocked(time.formatClock).mock.calls.length).toBe(renders);
  });

  it('key derivation reports at most one progress step per whole percent', async () => {
    const steps: number[] = [];
    await deriveAuthKey('correct horse', { ...KDF, salt: SALT }, (f) => steps.push(f));
    expect(steps.length).toBeLessThanOrEqual(101);
    expect(steps.at(-1)).toBe(1);
  });

  it('asks for the new password twice, and says what it is doing in words', async () => {
    const server = fakeServer()
      .on('GET', '/api/auth/prelogin', () => ({ data: { kdf: { ...KDF, salt: SALT } } }))
      .on('GET', '/api/auth/kdf-params', () => ({ data: { kdf: KDF } }))
      .on('POST', '/api/auth/change-password', () => ({ data: { user: selfUser({ username: 'alice' }) } }));
    const user = userEvent.setup();
    render(<AccountSettings />);
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Change password' }));
    await user.type(screen.getByLabelText('Current password'), 'old password');
    await user.type(screen.getByLabelText('New password'), 'new password 1');
    await user.type(screen.getByLabelText('Repeat new password'), 'new password 2');
    await user.click(dialog.getByRole('button', { name: 'Change password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The two new passwords differ; type the new one again.');
    expect(server.calls).toHaveLength(0);

    await user.clear(screen.getByLabelText('Repeat new password'));
    await user.type(screen.getByLabelText('Repeat new password'), 'new password 1');
    const words: string[] = [];
    const unsubscribe = useAuth.subscribe((s) => s.passwordWork && words.push(s.passwordWork.task));
    await user.click(dialog.getByRole('button', { name: 'Change password' }));
    await vi.waitFor(() => expect(server.callsTo('POST', '/api/auth/change-password')).toHaveLength(1));
    unsubscribe();
    expect([...new Set(words)]).toEqual([
      'Checking your current password and securing the new one…',
      'Saving your new password…',
    ]);
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Two real Argon2id derivations in jsdom: 4-5 s on a loaded 2-core machine, over vitest's 5 s default.
  }, 20_000);
});
