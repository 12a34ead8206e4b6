import { useId } from 'react';
import { usePreferences, type ClockPreference, type ThemePreference } from '../lib/preferences';
import { formatClock } from '../lib/time';

const THEMES: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** 13:05 in every zone's wall clock: an example that reads the same everywhere. */
const EXAMPLE = Date.UTC(2026, 0, 1, 13, 5);

function Choice<T extends string>(props: {
  legend: string;
  hint: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  const name = useId();
  return (
    <fieldset className="choice-group">
      <legend>{props.legend}</legend>
      <div className="segmented">
        {props.options.map((option) => (
          <label key={option.value} className="segmented-option">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={props.value === option.value}
              onChange={() => props.onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      <small className="muted">{props.hint}</small>
    </fieldset>
  );
}

/**
 * Theme and clock, for this device only (localStorage, lib/preferences.ts): applied at once, no
 * Save button. "System" follows the device's light or dark setting, also when it changes later.
 */
export function AppearanceSection() {
  const theme = usePreferences((s) => s.theme);
  const setTheme = usePreferences((s) => s.setTheme);
  const clock = usePreferences((s) => s.clock);
  const setClock = usePreferences((s) => s.setClock);
  const localeExample = formatClock(EXAMPLE, 'UTC');
  const clocks: { value: ClockPreference; label: string }[] = [
    { value: 'auto', label: 'Automatic' },
    { value: '12', label: '12-hour' },
    { value: '24', label: '24-hour' },
  ];
  return (
    <section className="settings-section" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <Choice
        legend="Theme"
        hint={theme === 'system' ? 'Follows this device’s light or dark setting.' : 'On this device only.'}
        value={theme}
        options={THEMES}
        onChange={setTheme}
      />
      <Choice
        legend="Clock"
        hint={`Times show as ${localeExample}${clock === 'auto' ? ' (from your language settings)' : ''}.`}
        value={clock}
        options={clocks}
        onChange={setClock}
      />
    </section>
  );
}
