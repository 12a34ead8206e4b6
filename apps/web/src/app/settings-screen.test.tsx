import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { syncDeviceZone } from '../features/auth/device-zone';
import { useAuth } from '../features/auth/store';
import { THEME_KEY, usePreferences, ZONE_FOLLOWS_DEVICE_KEY } from '../lib/preferences';
import { browserTimeZone } from '../lib/time';
import { selfUser } from '../test-support/fixtures';
import { fakeServer } from '../test-support/network';
import SettingsScreen from './settings-screen';

const device = browserTimeZone();
const other = device === 'Asia/Tokyo' ? 'Europe/Paris' : 'Asia/Tokyo';

beforeEach(() => {
  fakeServer().on('GET', '/api/blocks', () => ({ data: [] }));
  useAuth.setState({ status: 'signed-in', me: selfUser({ username: 'alice', timeZone: device }), passwordWork: null });
});

describe('settings: appearance (issue 13, item 10)', () => {
  it('the theme applies at once and is kept on this device', async () => {
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const theme = within(screen.getByRole('group', { name: 'Theme' }));
    expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
    await user.click(theme.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    await user.click(theme.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_KEY)).toBe('light');
  }, 20_000);

  it('the clock choice changes the example at once', async () => {
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const clock = within(screen.getByRole('group', { name: 'Clock' }));
    await user.click(clock.getByRole('radio', { name: '24-hour' }));
    expect(clock.getByText('Times show as 13:05.')).toBeInTheDocument();
    await user.click(clock.getByRole('radio', { name: '12-hour' }));
    expect(clock.getByText(/Times show as 1:05\s?PM\./i)).toBeInTheDocument();
  }, 20_000);
});

describe('settings: time zone (issue 13, item 10)', () => {
  it('turning "use this device’s time zone" off and picking a zone saves it and stops following', async () => {
    const server = fakeServer()
      .on('GET', '/api/blocks', () => ({ data: [] }))
      .on('PATCH', '/api/users/me', (call) => ({
        data: { ...selfUser({ username: 'alice' }), ...(call.body as object) },
      }));
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const follow = screen.getByRole('checkbox', { name: /Use this device’s time zone/ });
    expect(follow).toBeChecked();
    expect(screen.queryByRole('combobox', { name: 'Search time zones' })).toBeNull();
    await user.click(follow);
    await user.type(screen.getByRole('combobox', { name: 'Search time zones' }), other.split('/')[1]!);
    await user.click(screen.getAllByRole('option')[0]!);
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(useAuth.getState().me?.timeZone).toBe(other));
    expect(server.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ timeZone: other });
    expect(usePreferences.getState().zoneFollowsDevice).toBe(false);
    expect(localStorage.getItem(ZONE_FOLLOWS_DEVICE_KEY)).toBe('false');
  }, 20_000);

  it('while following, an account in another zone is moved to this device’s zone', async () => {
    useAuth.setState({ me: selfUser({ username: 'alice', timeZone: other }) });
    usePreferences.getState().setZoneFollowsDevice(true);
    const server = fakeServer().on('PATCH', '/api/users/me', (call) => ({
      data: { ...selfUser({ username: 'alice' }), ...(call.body as object) },
    }));
    await syncDeviceZone();
    expect(server.calls.map((c) => [c.method, c.body])).toEqual([['PATCH', { timeZone: device }]]);
    expect(useAuth.getState().me?.timeZone).toBe(device);
  }, 20_000);

  it('never decided on this device: an account set to another zone keeps it (and stops following)', async () => {
    useAuth.setState({ me: selfUser({ username: 'alice', timeZone: other }) });
    const server = fakeServer();
    await syncDeviceZone();
    expect(server.calls).toHaveLength(0);
    expect(usePreferences.getState().zoneFollowsDevice).toBe(false);
  }, 20_000);
});
