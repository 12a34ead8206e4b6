import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { AppError } from '../lib/app-error.js';
import { parseInput } from '../lib/validate.js';

/**
 * What a malformed path parameter answers, per parameter: a malformed id cannot name anything the
 * caller may see, so it is a 404 like an id that is missing or not theirs ("No such conversation.").
 * Kept beside the schema rather than in it, so that the OpenAPI document shows the plain schema.
 */
const notFoundMessages = new WeakMap<z.ZodType, Record<string, string>>();

/**
 * A route's path parameters from the shared id schemas, each with the 404 message it answers
 * when malformed. Fastify validates them before the body, in declaration order.
 */
export function routeParams<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
  notFound: { [K in keyof Shape]: string },
): z.ZodObject<Shape> {
  const schema = z.object(shape);
  notFoundMessages.set(schema, notFound);
  return schema;
}

/** `{ id }` naming one thing: `No such <what>.` when malformed. */
export function idParams<S extends z.ZodType>(id: S, what: string) {
  return routeParams({ id }, { id: `No such ${what}.` });
}

function paramsError(schema: z.ZodType, error: z.ZodError): AppError {
  const name = error.issues[0]?.path[0];
  const message = typeof name === 'string' ? notFoundMessages.get(schema)?.[name] : undefined;
  return new AppError('not_found', message);
}

/**
 * Fastify's validator for the shared zod schemas (the types come from fastify-type-provider-zod's
 * ZodTypeProvider; its own compiler would answer Fastify's generic 400). Bodies and query strings
 * fail as every Herald input does (lib/validate.ts: 400 `validation_failed` listing each field);
 * path parameters as a 404 (routeParams). Each part is parsed once, here: handlers and services
 * receive the parsed, typed value.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data: unknown) => {
    if (httpPart === 'params') {
      const result = schema.safeParse(data);
      return result.success ? { value: result.data } : { error: paramsError(schema, result.error) };
    }
    try {
      return { value: parseInput(schema, data, httpPart === 'querystring' ? 'query' : 'body') };
    } catch (error) {
      return { error: error as AppError };
    }
  };
