import { afterEach, expect } from 'vitest';
import { takeConsoleProblems } from './harness.js';

/**
 * Every browser test fails on a Content-Security-Policy violation, an uncaught error or any other
 * console error in any page it opened (see `watch` in harness.ts).
 */
afterEach(() => {
  const problems = takeConsoleProblems();
  expect(
    problems.map((p) => `[${p.kind}] ${p.page}: ${p.text}`),
    'the browser console must stay free of errors and CSP violations',
  ).toEqual([]);
});
