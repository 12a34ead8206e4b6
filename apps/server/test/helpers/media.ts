import type { MediaInfo } from '@herald/shared';
import type { TestUser } from './client.js';
import { sealUpload, type SealedUpload } from './e2ee.js';

/** Builds a multipart body by hand (what a browser's FormData sends). */
export function multipart(
  fields: Record<string, string>,
  file?: { field: string; filename: string; type: string; data: Buffer },
): { body: Buffer; contentType: string } {
  const boundary = `----herald${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Uploads `data` as the client does: multipart, `kind` before the file part, the file as
 * application/octet-stream. By default `data` is a small file sealed with @herald/crypto (the
 * server accepts only sealed files); given bytes are sent exactly as they are.
 */
export async function uploadMedia(
  user: TestUser,
  kind: 'image' | 'video' = 'image',
  data?: Buffer,
): Promise<MediaInfo> {
  return (await uploadBytes(user, kind, data ?? (await sealUpload()).ciphertext)).body.data;
}

/**
 * Seals `plain` (as @herald/crypto's sealFileBytes) and uploads it: the stored media, and the
 * secrets a message about it carries in its sealed plaintext (`sealed.media`).
 */
export async function uploadSealed(
  user: TestUser,
  kind: 'image' | 'video' = 'image',
  plain: Uint8Array = Buffer.from(`plain ${kind} ${Math.random()}`),
  mimeType = kind === 'image' ? 'image/png' : 'video/mp4',
): Promise<{ media: MediaInfo; sealed: SealedUpload }> {
  const sealed = await sealUpload(plain, mimeType);
  return { media: (await uploadBytes(user, kind, sealed.ciphertext)).body.data, sealed };
}

async function uploadBytes(user: TestUser, kind: 'image' | 'video', data: Buffer) {
  const { body, contentType } = multipart(
    { kind },
    { field: 'file', filename: 'blob', type: 'application/octet-stream', data },
  );
  const res = await user.client.request<MediaInfo>({
    method: 'POST',
    url: '/api/media',
    headers: { 'content-type': contentType },
    payload: body,
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}
