import type postgres from 'postgres';

/**
 * Values in and out of postgres.js exactly as pg has them (pg.ts and pg's defaults), so that
 * modules see the same values whichever DATABASE_DRIVER runs.
 */

/**
 * A parameter as pg sends it (pg/lib/utils prepareValue): text, or a Buffer for bytea. Every
 * parameter then reaches postgres.js as text of unknown type, so PostgreSQL infers its type from the
 * statement, as it does for pg (postgres.js would otherwise type a Date as timestamptz, or an
 * array after its first element).
 */
export function pgParameter(value: unknown): string | Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    default:
      return JSON.stringify(value);
  }
}

/** An array literal, as pg writes one (pg/lib/utils arrayString). */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = pgParameter(item)!;
    if (Buffer.isBuffer(text)) return `\\\\x${text.toString('hex')}`;
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

const passText = (value: unknown): string => (typeof value === 'string' ? value : String(value));

/**
 * Type handling matched to pg's (pg.ts sets int8 to numbers; the rest are pg's defaults). Parameters
 * already are text (pgParameter), so each serializer passes text through; the parsers give the
 * values pg gives.
 */
export const PG_COMPATIBLE_TYPES = {
  int8: { to: 20, from: [20], serialize: passText, parse: (x: string) => Number.parseInt(x, 10) },
  json: {
    to: 114,
    from: [114, 3802],
    serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
    parse: (x: string): unknown => JSON.parse(x),
  },
  boolean: {
    to: 16,
    from: [16],
    serialize: (x: unknown) => (typeof x === 'boolean' ? (x ? 't' : 'f') : passText(x)),
    parse: (x: string) => x === 't',
  },
  date: {
    to: 1184,
    from: [1082, 1114, 1184],
    serialize: (x: unknown) => (x instanceof Date ? x.toISOString() : passText(x)),
    parse: (x: string): Date | number => (x === 'infinity' ? Infinity : x === '-infinity' ? -Infinity : new Date(x)),
  },
  bytea: {
    to: 17,
    from: [17],
    serialize: (x: unknown) => (Buffer.isBuffer(x) ? `\\x${x.toString('hex')}` : passText(x)),
    parse: (x: string) => Buffer.from(x.slice(2), 'hex'),
  },
};

/** int8[] stays an array of strings, as pg's defaults give it (only int8 itself is a number). */
const INT8_ARRAY = 1016;

/**
 * Array parsers for every array type in the database, replacing postgres.js's: its parser reads a
 * NULL element as the string 'NULL' (and NaN for numbers), pg's as null. Read once from pg_type
 * when the pool opens; postgres.js's own reading of array types on each new connection keeps
 * parsers already there.
 */
export async function installArrayParsers(sql: postgres.Sql): Promise<void> {
  const options = sql.options as unknown as {
    parsers: Record<number, (text: string) => unknown>;
    serializers: Record<number, (value: unknown) => string>;
  };
  const types = await sql.unsafe<{ oid: number; typarray: number }[]>(
    "SELECT oid::int, typarray::int FROM pg_type WHERE typarray <> 0 AND typcategory <> 'A'",
  );
  for (const { oid, typarray } of types) {
    const element = typarray === INT8_ARRAY ? undefined : options.parsers[oid];
    options.parsers[typarray] = (text) => parseArray(text, element);
    // Parameters are array literals already (pgParameter).
    options.serializers[typarray] = passText;
  }
}

/** PostgreSQL's array output ({a,"b c",NULL,{1,2}}) into nested arrays, NULL as null. */
export function parseArray(text: string, element: ((text: string) => unknown) | undefined): unknown[] {
  let i = 0;
  const parseLevel = (): unknown[] => {
    const items: unknown[] = [];
    i += 1; // '{'
    while (i < text.length) {
      const char = text[i];
      if (char === '}') {
        i += 1;
        return items;
      }
      if (char === ',') {
        i += 1;
      } else if (char === '{') {
        items.push(parseLevel());
      } else if (char === '"') {
        let value = '';
        i += 1;
        while (text[i] !== '"') {
          if (text[i] === '\\') i += 1;
          value += text[i];
          i += 1;
        }
        i += 1;
        items.push(element ? element(value) : value);
      } else {
        let end = i;
        while (text[end] !== ',' && text[end] !== '}') end += 1;
        const value = text.slice(i, end);
        i = end;
        items.push(value === 'NULL' ? null : element ? element(value) : value);
      }
    }
    return items;
  };
  // A lower bound other than 1 is written first ("[0:1]={a,b}"); the values are what count.
  const start = text.indexOf('{');
  i = start;
  return start === -1 ? [] : parseLevel();
}
