/**
 * Checks a Loki or Tempo config against the program's key tree (schemas/backends/, trimmed
 * from the key trees read in Loki 3.7.6 and Tempo 2.10.8), rejecting unknown keys as both
 * programs do at start (strict YAML unmarshalling).
 */
import * as fs from 'fs';
import * as path from 'path';

type Node = { readonly type?: string; readonly items?: Node; readonly values?: Node; readonly _free?: boolean; readonly [key: string]: unknown };

export function backendSchema(name: 'loki-3.7.6' | 'tempo-2.10.8'): Node {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'backends', `${name}.json`), 'utf-8'));
}

/** Every key of `value` that `schema` does not have, and every value of the wrong kind, by path. */
export function configProblems(value: unknown, schema: Node, at = ''): string[] {
  if (typeof schema.type === 'string') {
    const t = schema.type;
    if (t === 'list') {
      if (!Array.isArray(value)) return [`${at}: a list expected (got ${JSON.stringify(value)})`];
      return schema.items === undefined ? [] : value.flatMap((v, i) => configProblems(v, schema.items!, `${at}[${i}]`));
    }
    if (t === 'map') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: a map expected (got ${JSON.stringify(value)})`];
      const values = schema.values;
      return values === undefined ? [] : Object.entries(value as object).flatMap(([k, v]) => configProblems(v, values, `${at}.${k}`));
    }
    const ok = t === 'bool' ? typeof value === 'boolean'
      : t === 'int' ? Number.isInteger(value)
        : t === 'bytesize' ? Number.isInteger(value) || (typeof value === 'string' && /^[0-9.]+\s*[KMGTP]i?B$/i.test(value))
        : t === 'float' ? typeof value === 'number'
          : t === 'duration' ? typeof value === 'string' && /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w|y))+$|^0$/.test(value)
            : t.startsWith('string') ? typeof value === 'string'
              : true;
    return ok ? [] : [`${at}: a ${t} expected (got ${JSON.stringify(value)})`];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: a block expected (got ${JSON.stringify(value)})`];
  return Object.entries(value as object).flatMap(([k, v]) => {
    const child = (schema as Record<string, unknown>)[k] as Node | undefined;
    if (child === undefined || k === '_source' || k === '_free') {
      return schema._free ? [] : [`${at}.${k}: not a key of this config`];
    }
    return configProblems(v, child, `${at}.${k}`);
  });
}
