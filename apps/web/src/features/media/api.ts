import type { MediaInfo } from '@herald/shared';
import { ApiError, requestBlob, toApiError } from '../../lib/http';

export interface UploadHandle {
  done: Promise<MediaInfo>;
  abort: () => void;
}

/**
 * Upload with progress: fetch cannot report upload progress, XMLHttpRequest can. Multipart with
 * the `kind` field first, then the file (the server reads fields in order).
 */
export function uploadMedia(file: Blob, kind: 'image' | 'video', onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<MediaInfo>((resolve, reject) => {
    xhr.open('POST', '/api/media');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === 'object' && 'data' in body) {
        onProgress(1);
        resolve((body as { data: MediaInfo }).data);
      } else reject(toApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError('network_error', 'The upload failed; check your connection.', 0));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, file instanceof File ? file.name : 'upload');
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * The stored bytes, as the server serves them (application/octet-stream). `objectUrlFor` gives
 * them a type, from the allow-list only.
 */
export function fetchMedia(mediaId: string): Promise<Blob> {
  return requestBlob(`/api/media/${encodeURIComponent(mediaId)}`);
}
