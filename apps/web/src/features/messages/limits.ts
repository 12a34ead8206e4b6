/** What stops the composer's content from being sent (or scheduled), in words. */
export interface SendBlocker {
  reason: 'empty' | 'too_long';
  text: string;
}

const count = (n: number) => n.toLocaleString('en-US');
/** "1 character", "2,464 characters". */
const characters = (n: number) => `${count(n)} ${n === 1 ? 'character' : 'characters'}`;

/**
 * How long this text is, in the unit the limit counts (UTF-16 code units of the trimmed text).
 * The limit is on the PLAINTEXT (`maxTextLength`, GET /api/config): the server only sees the
 * sealed envelope, whose size it bounds separately (`maxContentLength`), with room for a text at
 * this limit sealed for a full group.
 */
export function contentLength(text: string): number {
  return text.trim().length;
}

/**
 * Why the composer's text cannot go out now, or null when it can: nothing to send (no text and no
 * attachment), or over the text limit (`maxTextLength`, GET /api/config).
 */
export function sendBlocker(text: string, hasAttachment: boolean, maxLength: number): SendBlocker | null {
  const length = contentLength(text);
  if (length > maxLength) {
    return {
      reason: 'too_long',
      text: `This message is ${characters(length - maxLength)} too long (the limit is ${count(maxLength)}). Shorten it or split it into several messages.`,
    };
  }
  if (length === 0 && !hasAttachment) {
    return { reason: 'empty', text: 'Write a message or attach a photo or video first.' };
  }
  return null;
}

/** From how close to the limit the composer shows how many characters are left (as Slack does). */
export function nearLimit(length: number, maxLength: number): boolean {
  return length > maxLength - Math.max(100, Math.floor(maxLength * 0.1));
}

export { count as formatCount, characters as formatCharacters };
