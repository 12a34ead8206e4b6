import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '@herald/shared';
import { contentLength, nearLimit, sendBlocker } from './limits';

describe('the composer limit counts what a person types (maxTextLength), not the sealed envelope', () => {
  it('counts the trimmed plaintext in UTF-16 units', () => {
    expect(contentLength('  hello  ')).toBe(5);
    expect(contentLength('👍')).toBe(2);
  });

  it('a text at the limit goes; one character more is refused with a sentence', () => {
    expect(sendBlocker('x'.repeat(MAX_TEXT_LENGTH), false, MAX_TEXT_LENGTH)).toBeNull();
    expect(sendBlocker('x'.repeat(MAX_TEXT_LENGTH + 1), false, MAX_TEXT_LENGTH)).toEqual({
      reason: 'too_long',
      text: 'This message is 1 character too long (the limit is 16,000). Shorten it or split it into several messages.',
    });
    expect(nearLimit(14_401, MAX_TEXT_LENGTH)).toBe(true);
    expect(nearLimit(14_399, MAX_TEXT_LENGTH)).toBe(false);
  });

  it('nothing to send: no words and no attachment', () => {
    expect(sendBlocker('   ', false, MAX_TEXT_LENGTH)?.reason).toBe('empty');
    expect(sendBlocker('   ', true, MAX_TEXT_LENGTH)).toBeNull();
  });
});
