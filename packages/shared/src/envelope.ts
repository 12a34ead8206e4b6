import type { ErrorCode } from './errors.js';

/** The spec's response envelope, kept for every HTTP answer. */
export interface ApiSuccess<T> {
  success: true;
  message: string;
  data: T;
}

export interface ApiErrorBody {
  success: false;
  message: string;
  error: { code: ErrorCode; details?: unknown };
}

export type ApiResponse<T> = ApiSuccess<T> | ApiErrorBody;

/** One field-level problem, as returned in `error.details` of `validation_failed`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Socket.IO acknowledgement shape for every client command. */
export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
