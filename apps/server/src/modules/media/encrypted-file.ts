import { Readable } from 'node:stream';

/**
 * Uploads are end-to-end encrypted files (docs/e2ee-format.md "Files"): the client seals them with
 * sealFile/sealBlob of @herald/crypto and sends the sealed bytes. The server cannot check more
 * than their framing, and checks that: the header starts with "HRLF" and format version 1, and the
 * file is at least a header and one chunk tag long. Anything else is refused before it is kept.
 */
const FILE_MAGIC_AND_VERSION = Buffer.from([0x48, 0x52, 0x4c, 0x46, 0x01]);
/** The file header (FILE_HEADER_BYTES of @herald/crypto) plus one 16-byte tag: an empty file sealed. */
const MIN_ENCRYPTED_FILE_BYTES = 28 + 16;

export class NotEncryptedFileError extends Error {
  constructor() {
    super('the upload is not an encrypted file');
    this.name = 'NotEncryptedFileError';
  }
}

async function* checkedChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    for (let i = 0; i < chunk.length && seen + i < FILE_MAGIC_AND_VERSION.length; i++) {
      if (chunk[i] !== FILE_MAGIC_AND_VERSION[seen + i]) throw new NotEncryptedFileError();
    }
    seen += chunk.length;
    yield chunk;
  }
  if (seen > 0 && seen < MIN_ENCRYPTED_FILE_BYTES) throw new NotEncryptedFileError();
}

/**
 * The upload's bytes, failing with NotEncryptedFileError as soon as they cannot be an encrypted
 * file. Pulled by the consumer (nothing flows before it reads, so no error goes unheard). An empty
 * upload passes: the caller refuses it as empty.
 */
export function encryptedFileStream(source: Readable): Readable {
  return Readable.from(checkedChunks(source), { objectMode: false });
}
