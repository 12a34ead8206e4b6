import { MAX_CONTENT_LENGTH } from '@herald/shared';

/**
 * The largest JSON body (HTTP) or Socket.IO frame the server reads, derived from the content
 * limit so that the two cannot drift. Any content within MAX_CONTENT_LENGTH fits with the message's
 * other fields: it is at most 3 bytes of UTF-8 per character (control characters, the only ones
 * JSON escapes longer, are refused by the schema), so 4 x MAX_CONTENT_LENGTH + 256 KiB (1 MiB)
 * leaves room. Content over MAX_CONTENT_LENGTH but within this is refused by validation (400
 * naming `content`); a body over it is 413 `payload_too_large` (HTTP), a frame over it closes the
 * socket (Socket.IO).
 */
export const MAX_REQUEST_BYTES = 4 * MAX_CONTENT_LENGTH + 256 * 1024;
