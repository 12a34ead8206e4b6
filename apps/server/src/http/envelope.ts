import type { ApiSuccess } from '@herald/shared';

/** The spec's success envelope. */
export function ok<T>(data: T, message = 'OK'): ApiSuccess<T> {
  return { success: true, message, data };
}
