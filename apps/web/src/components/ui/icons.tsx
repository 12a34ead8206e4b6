import type { SVGProps } from 'react';

/** Inline stroke icons (24 px grid), so that no icon font or sprite request is needed. */
type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function make(paths: string[], name: string) {
  function Icon({ size = 20, ...props }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.8}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...props}
      >
        {paths.map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    );
  }
  Icon.displayName = name;
  return Icon;
}

export const ClockIcon = make(['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z', 'M12 7v5l3 2'], 'ClockIcon');
export const SmileIcon = make(
  ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z', 'M8.5 14.5s1.3 1.8 3.5 1.8 3.5-1.8 3.5-1.8', 'M9 9.5h.01', 'M15 9.5h.01'],
  'SmileIcon',
);
export const PaperclipIcon = make(
  ['M21 11.5 12.5 20a5.3 5.3 0 0 1-7.5-7.5l8.6-8.6a3.5 3.5 0 0 1 5 5L10 17.5a1.8 1.8 0 0 1-2.5-2.5l7.8-7.8'],
  'PaperclipIcon',
);
export const SendIcon = make(['M4 12 20 4l-6 16-3-7-7-1Z', 'M11 13l9-9'], 'SendIcon');
export function DotsIcon({ size = 20, ...props }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      <circle cx="12" cy="5.5" r="1.9" />
      <circle cx="12" cy="12" r="1.9" />
      <circle cx="12" cy="18.5" r="1.9" />
    </svg>
  );
}
export const BackIcon = make(['M15 18l-6-6 6-6'], 'BackIcon');
export const CloseIcon = make(['M6 6l12 12', 'M18 6 6 18'], 'CloseIcon');
export const PlusIcon = make(['M12 5v14', 'M5 12h14'], 'PlusIcon');
export const SearchIcon = make(['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14Z', 'm20 20-4-4'], 'SearchIcon');
export const SettingsIcon = make(
  [
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z',
    'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z',
  ],
  'SettingsIcon',
);
export const CalendarIcon = make(
  ['M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Z', 'M16 3v4', 'M8 3v4', 'M4 10h16'],
  'CalendarIcon',
);
export const CheckIcon = make(['M5 12.5 10 17l9-10'], 'CheckIcon');
export const DoubleCheckIcon = make(['M2 12.5 7 17l9-10', 'M12 16l1 1 9-10'], 'DoubleCheckIcon');
export const ReplyIcon = make(['M9 14 4 9l5-5', 'M4 9h10a6 6 0 0 1 6 6v3'], 'ReplyIcon');
export const AlertIcon = make(
  ['M12 9v4', 'M12 17h.01', 'M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z'],
  'AlertIcon',
);
export const TimerIcon = make(['M10 2h4', 'M12 14l3-3', 'M12 22a8 8 0 1 0 0-16 8 8 0 0 0 0 16Z'], 'TimerIcon');
export const EyeIcon = make(
  ['M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12Z', 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z'],
  'EyeIcon',
);
export const UsersIcon = make(
  [
    'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2',
    'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Z',
    'M22 21v-2a4 4 0 0 0-3-3.9',
    'M16 3.1a4 4 0 0 1 0 7.8',
  ],
  'UsersIcon',
);
export const ImageIcon = make(
  ['M5 4h14a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Z', 'm4 16 5-5 4 4 2-2 5 5', 'M15 9h.01'],
  'ImageIcon',
);
export const LockIcon = make(['M6 11h12v9H6Z', 'M8.5 11V7.5a3.5 3.5 0 0 1 7 0V11'], 'LockIcon');
export const ArrowDownIcon = make(['M12 5v14', 'm19 12-7 7-7-7'], 'ArrowDownIcon');
export const DownloadIcon = make(['M12 4v11', 'm7 10 5 5 5-5', 'M5 20h14'], 'DownloadIcon');
export const BellIcon = make(
  ['M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9', 'M10.3 21a1.94 1.94 0 0 0 3.4 0'],
  'BellIcon',
);
export const BellOffIcon = make(
  [
    'M8.7 3A6 6 0 0 1 18 8a21.3 21.3 0 0 0 .6 5',
    'M17 17H3s3-2 3-9a4.67 4.67 0 0 1 .3-1.7',
    'M10.3 21a1.94 1.94 0 0 0 3.4 0',
    'm2 2 20 20',
  ],
  'BellOffIcon',
);
/** "All scheduled" (the global Scheduled view): a list beside a clock. */
export const ScheduledAllIcon = make(
  ['M3 6h10', 'M3 11h6', 'M3 16h5', 'M16.5 21a5 5 0 1 0 0-10 5 5 0 0 0 0 10Z', 'M16.5 13.5v2.7l1.7 1'],
  'ScheduledAllIcon',
);
/** "This chat's scheduled" (the chat's bar and list): a speech bubble holding a clock. */
export const ChatScheduledIcon = make(
  ['M21 11.5a8.5 8.5 0 0 1-12.3 7.6L3.5 20.5l1.4-4.6A8.5 8.5 0 1 1 21 11.5Z', 'M12.5 7.5v4.2l2.8 1.6'],
  'ChatScheduledIcon',
);
/** "Schedule this" (the send menu): a paper plane with a clock. */
export const ScheduleSendIcon = make(
  ['M3 11 19 4l-3 7', 'M3 11l6.5 2 2 6', 'M17 21.5a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Z', 'M17 15v2.2l1.4.9'],
  'ScheduleSendIcon',
);
export const ChevronUpIcon = make(['m6 15 6-6 6 6'], 'ChevronUpIcon');
