import EmojiPicker, { EmojiStyle, Theme } from 'emoji-picker-react';
import { resolvedTheme, usePreferences } from '../../../lib/preferences';

/** Loaded on demand (React.lazy): the picker and its emoji data stay out of the initial bundle. */
export default function EmojiPanel({ onPick }: { onPick: (emoji: string) => void }) {
  // The app's theme (Light / Dark / System on this device), not only the system's.
  const theme = usePreferences((s) => s.theme);
  return (
    <EmojiPicker
      onEmojiClick={(data) => onPick(data.emoji)}
      emojiStyle={EmojiStyle.NATIVE}
      theme={theme === 'system' ? Theme.AUTO : resolvedTheme(theme) === 'dark' ? Theme.DARK : Theme.LIGHT}
      lazyLoadEmojis
      width="100%"
      height={360}
      previewConfig={{ showPreview: false }}
      skinTonesDisabled
    />
  );
}
