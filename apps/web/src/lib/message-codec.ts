/**
 * The one place that turns what a person typed into a message's `content` and back. The server
 * treats `content` as an opaque string (DESIGN section 7: it will carry a ciphertext envelope).
 * For now the text travels as-is; end-to-end encryption replaces these two functions (made async
 * then) without touching the features that call them. It lives in lib/ rather than in a feature
 * because both messages and scheduling encode and decode, and features do not import each other.
 */
export function encodeText(text: string): string {
  return text;
}

export function decodeText(content: string): string {
  return content;
}
