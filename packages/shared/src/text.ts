import { z } from 'zod';

/**
 * The primitives every string and integer of the API is built from, so that one rule covers every
 * field at once (ESLint forbids bare `z.string()`, `z.int()`, `z.number()` and `z.coerce` in this
 * package outside this file).
 *
 * Strings: PostgreSQL cannot store NUL (U+0000) and a JSON string can carry a lone surrogate that
 * no UTF-8 encoder keeps; both are refused everywhere. Beyond that, three strictness levels:
 * - `multilineText`: free text (message content): no control characters but tab and line breaks;
 * - `lineText`: one line of text (search terms, client ids, emoji): no control characters at all;
 * - `nameText`: what is shown as someone's or something's name (display names, group titles):
 *   also no format characters (Unicode Cf: bidi overrides such as U+202E, zero-width spaces and
 *   joiners) and no line or paragraph separators, which can make a name pass for another one.
 *
 * Integers: every one is bounded by what a PostgreSQL `integer` column holds.
 */

/** Largest value of a PostgreSQL `integer` (int4). */
export const INT4_MAX = 2_147_483_647;

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;
const FORMAT_OR_SEPARATOR = /[\p{Cf}\p{Zl}\p{Zp}]/u;

const MESSAGES = {
  surrogate: 'must be valid Unicode text',
  control: 'must not contain control characters (such as NUL)',
  name: 'must not contain control or invisible formatting characters (such as bidi overrides or zero-width spaces)',
} as const;

/** Free text, line breaks and tabs allowed (message content). */
export function multilineText() {
  return z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), MESSAGES.surrogate)
    .refine((s) => !CONTROL_BUT_LINE_BREAKS.test(s), MESSAGES.control);
}

/** One line of text: no control characters at all. */
export function lineText() {
  return z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), MESSAGES.surrogate)
    .refine((s) => !CONTROL.test(s), MESSAGES.control);
}

/** A name people read (display name, group title): no control, format or separator characters. */
export function nameText() {
  return z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), MESSAGES.surrogate)
    .refine((s) => !CONTROL.test(s) && !FORMAT_OR_SEPARATOR.test(s), MESSAGES.name);
}

/** Whether a string passes `nameText` (for callers that check names outside a schema). */
export function isCleanName(s: string): boolean {
  return !LONE_SURROGATE.test(s) && !CONTROL.test(s) && !FORMAT_OR_SEPARATOR.test(s);
}

function assertInt4Range(min: number, max: number): void {
  if (!(
    Number.isSafeInteger(min) &&
    Number.isSafeInteger(max) &&
    -INT4_MAX - 1 <= min &&
    min <= max &&
    max <= INT4_MAX
  )) {
    throw new Error(`integer bounds ${min}..${max} must lie within a PostgreSQL integer`);
  }
}

/** A whole number in [min, max]; the bounds must fit a PostgreSQL `integer`. */
export function boundedInt(min: number, max: number) {
  assertInt4Range(min, max);
  return z
    .int({ error: 'must be a whole number' })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** The same, read from a query string or a form field (digits), or given as a number. */
export function queryInt(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : value),
    boundedInt(min, max),
  );
}

/** Any finite number (a time in epoch milliseconds, checked by its own parser). */
export function finiteNumber() {
  return z.number();
}
