import { ERROR_CATALOGUE, type ErrorCode } from '@herald/shared';

/**
 * An error Herald means to answer with: a catalogue code (which fixes the HTTP status), a message
 * that tells the user what to do next, and optional details (field problems, current state).
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export const notFound = (what = 'Not found.') => new AppError('not_found', what);
