import EmojiPicker, { EmojiStyle, Theme } from 'emoji-picker-react';

/** Loaded on demand (React.lazy): the picker and its emoji data stay out of the initial bundle. */
export default function EmojiPanel({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <EmojiPicker
      onEmojiClick={(data) => onPick(data.emoji)}
      emojiStyle={EmojiStyle.NATIVE}
      theme={Theme.AUTO}
      lazyLoadEmojis
      width="100%"
      height={360}
      previewConfig={{ showPreview: false }}
      skinTonesDisabled
    />
  );
}
