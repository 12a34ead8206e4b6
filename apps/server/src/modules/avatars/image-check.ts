import { MAX_AVATAR_BYTES } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';

export type AvatarType = 'image/png' | 'image/webp' | 'image/jpeg';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Markup that has no business in a picture: refused wherever it sits (a polyglot's payload). */
const MARKUP = /<(?:script|html|svg|body|iframe|object|embed|\?xml|!doctype)/i;

/** A PNG is its signature, then chunks (length, type, data, CRC) up to IEND, which ends the file. */
function wholePng(bytes: Buffer): boolean {
  if (bytes.length < 8 + 25 + 12 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return false;
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return false;
    const end = at + 12 + length;
    if (end > bytes.length) return false;
    if (type === 'IEND') return length === 0 && end === bytes.length;
    at = end;
  }
  return false;
}

/** A WebP is a RIFF file whose declared size is the file's, with a VP8, VP8L or VP8X first chunk. */
function wholeWebp(bytes: Buffer): boolean {
  if (bytes.length < 20) return false;
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return false;
  if (bytes.readUInt32LE(4) + 8 !== bytes.length) return false;
  return ['VP8 ', 'VP8L', 'VP8X'].includes(bytes.toString('latin1', 12, 16));
}

/** A JPEG starts with SOI and a marker, and ends with EOI (nothing after it). */
function wholeJpeg(bytes: Buffer): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === 0xff &&
    bytes[1] === 0xd8 &&
    bytes[2] === 0xff &&
    bytes[bytes.length - 2] === 0xff &&
    bytes[bytes.length - 1] === 0xd9
  );
}

function startsAs(bytes: Buffer): AvatarType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/**
 * The type of an avatar upload, read from its bytes alone (never a name or a declared type), or
 * a refusal: empty or over MAX_AVATAR_BYTES (413), not PNG/WebP/JPEG (415: SVG, HTML, GIF...),
 * cut short, with bytes after its end, or carrying markup (422: truncated files, polyglots).
 */
export function checkAvatarImage(bytes: Buffer): AvatarType {
  if (bytes.length === 0) throw new AppError('validation_failed', 'The picture is empty.');
  if (bytes.length > MAX_AVATAR_BYTES) {
    throw new AppError('payload_too_large', `The picture must be at most ${MAX_AVATAR_BYTES / 1024} KB.`);
  }
  const type = startsAs(bytes);
  if (!type) throw new AppError('unsupported_media_type', 'The picture must be a PNG, WebP or JPEG image.');
  const whole = type === 'image/png' ? wholePng(bytes) : type === 'image/webp' ? wholeWebp(bytes) : wholeJpeg(bytes);
  if (!whole) throw new AppError('unprocessable', 'The picture is damaged: cut short, or with data after its end.');
  if (MARKUP.test(bytes.toString('latin1'))) {
    throw new AppError('unprocessable', 'The picture carries markup; upload a plain image.');
  }
  return type;
}
