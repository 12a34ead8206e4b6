/**
 * The one catalogue of error codes: every 4xx/5xx Herald answers carries one of these codes, and
 * its HTTP status comes from here, so that client and server agree on both.
 */
export const ERROR_CATALOGUE = {
  // 400: the request itself is malformed
  validation_failed: { status: 400, message: 'The request is not valid.' },
  invalid_username: { status: 400, message: 'That username is not allowed.' },
  invalid_time: { status: 400, message: 'The time is not a valid RFC 3339 time or epoch-milliseconds value.' },
  not_encrypted: { status: 400, message: 'Message content must be an end-to-end encrypted envelope.' },
  // 401: no usable session
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  invalid_credentials: { status: 401, message: 'The username or password is incorrect.' },
  // 403: authenticated but not allowed
  forbidden: { status: 403, message: 'You are not allowed to do that.' },
  csrf_rejected: { status: 403, message: 'Cross-site request refused.' },
  sender_mismatch: { status: 403, message: 'senderId must be the signed-in user.' },
  recipient_unavailable: { status: 403, message: 'You cannot send messages to this user.' },
  not_admin: { status: 403, message: 'Only group admins can do that.' },
  // 404: missing, or not yours (which looks the same)
  not_found: { status: 404, message: 'Not found.' },
  // 409: conflicts with the current state
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  username_taken: { status: 409, message: 'That username is taken.' },
  invalid_state: { status: 409, message: 'That action is not possible in the current state.' },
  version_conflict: { status: 409, message: 'It was changed meanwhile; reload and try again.' },
  recipients_mismatch: { status: 409, message: 'The message is not addressed to the current members.' },
  // 410: existed, now gone for good
  gone: { status: 410, message: 'This is no longer available.' },
  // 413/415: body size and type
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send JSON (application/json), or multipart/form-data for uploads.' },
  // 422: well-formed but semantically impossible
  time_too_soon: { status: 422, message: 'The scheduled time is too soon.' },
  time_too_far: { status: 422, message: 'The scheduled time is too far in the future.' },
  unprocessable: { status: 422, message: 'The request cannot be processed.' },
  // 429: slow down or quota reached
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  quota_exceeded: { status: 429, message: 'A limit has been reached.' },
  // 5xx
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  not_ready: { status: 503, message: 'The service is not ready.' },
  busy: { status: 503, message: 'The server is busy with this right now; try again in a moment.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}
