import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import type { FastifyInstance } from 'fastify';
import { registeredRoutes as allRoutes, withBraceParams } from '../helpers/routes.js';

/**
 * What the matrix must cover, read from the running app and the shared contract rather than
 * listed by hand: the routes Fastify registered and the commands clients may send.
 */

/**
 * Every method and path Fastify routes, as `METHOD /path/{param}`. HEAD routes are the ones
 * Fastify adds to every GET (same handler, same hooks), so they are left out.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  return allRoutes(app)
    .filter((route) => !route.startsWith('HEAD '))
    .map(withBraceParams)
    .sort();
}

const EVENTS_SOURCE = new URL('../../../../packages/shared/src/events.ts', import.meta.url);

/**
 * The keys of `ClientToServerEvents` in packages/shared, read from its source with the TypeScript
 * parser (an interface leaves nothing to enumerate at run time): a command added there needs a row.
 */
export async function clientCommands(): Promise<string[]> {
  const source = ts.createSourceFile('events.ts', await readFile(EVENTS_SOURCE, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'ClientToServerEvents') return;
    for (const member of node.members) if (member.name && ts.isIdentifier(member.name)) names.push(member.name.text);
  });
  if (names.length === 0) throw new Error('ClientToServerEvents not found in packages/shared/src/events.ts');
  return names.sort();
}
