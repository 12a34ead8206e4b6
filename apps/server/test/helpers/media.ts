import type { MediaInfo } from '@herald/shared';
import type { TestUser } from './client.js';

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

export async function uploadMedia(
  user: TestUser,
  kind: 'image' | 'video' = 'image',
  data: Buffer = Buffer.from(`encrypted-bytes-${Math.random()}`),
): Promise<MediaInfo> {
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
  return res.body.data;
}
