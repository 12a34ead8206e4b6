import type { z } from 'zod';
import type { FieldIssue } from '@herald/shared';
import { AppError } from './app-error.js';

/** Parses untrusted input with a shared zod schema; a failure is a 400 listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : where,
    message: issue.message,
  }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new AppError('validation_failed', `Invalid ${where}: ${summary}`, details);
}
