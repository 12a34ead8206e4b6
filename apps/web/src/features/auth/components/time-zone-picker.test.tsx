import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { filterTimeZones, TimeZonePicker } from './time-zone-picker';

const NOW = Date.UTC(2026, 0, 15, 12, 0);

describe('filterTimeZones', () => {
  const zones = ['America/New_York', 'Asia/Kolkata', 'Europe/Paris', 'America/Los_Angeles', 'UTC'];

  it('matches words of the name in any case, underscores read as spaces', () => {
    expect(filterTimeZones(zones, 'new york', NOW)).toEqual(['America/New_York']);
    expect(filterTimeZones(zones, 'AMERICA', NOW)).toEqual(['America/New_York', 'America/Los_Angeles']);
    expect(filterTimeZones(zones, 'america angeles', NOW)).toEqual(['America/Los_Angeles']);
  });

  it('matches the current offset', () => {
    expect(filterTimeZones(zones, 'GMT+5:30', NOW)).toEqual(['Asia/Kolkata']);
  });

  it('an empty query keeps everything; nonsense keeps nothing', () => {
    expect(filterTimeZones(zones, '  ', NOW)).toEqual(zones);
    expect(filterTimeZones(zones, 'atlantis', NOW)).toEqual([]);
  });
});

function Harness() {
  const [zone, setZone] = useState('Europe/Paris');
  return (
    <>
      <p data-testid="zone">{zone}</p>
      <TimeZonePicker value={zone} onChange={setZone} now={NOW} />
    </>
  );
}

describe('TimeZonePicker', () => {
  it('filters as I type, shows offsets, and picks with a click', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.type(screen.getByRole('combobox', { name: 'Search time zones' }), 'tokyo');
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(1);
    expect(options[0]).toHaveTextContent('Asia/Tokyo');
    expect(options[0]).toHaveTextContent('GMT+9');
    await user.click(options[0]!);
    expect(screen.getByTestId('zone')).toHaveTextContent('Asia/Tokyo');
    expect(screen.queryByRole('listbox')).toBeNull();
  }, 20_000);

  it('arrows and Enter pick from the keyboard; says when nothing matches', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByRole('combobox', { name: 'Search time zones' });
    await user.type(input, 'america/l');
    const names = screen.getAllByRole('option').map((o) => o.querySelector('.zone-option-name')?.textContent);
    expect(names.length).toBeGreaterThan(1);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByTestId('zone').textContent).toBe(names[1]!.replace(/ /g, '_'));
    await user.type(input, 'zzzz');
    expect(screen.getByText('No time zone matches “zzzz”.')).toBeInTheDocument();
  }, 20_000);
});
