/**
 * Schemas of component bodies: which prop renders to which Alloy attribute or block, and
 * what type it holds. Component classes declare one; the generator of all components will
 * emit the same shape from the catalog.
 */
import { Signal } from './signals';
import { AlloyValue, Expr, Raw, Statement, attribute, block, isAlloyObject } from './syntax';

/** The kind of an argument, as the Alloy catalog classes it. */
export type ArgumentType =
  | 'string'
  | 'number'
  | 'bool'
  | 'duration'
  | 'secret'
  | 'list'
  | 'map'
  | 'object'
  | 'capsule'
  | 'any';

/** An attribute: `name = value`. */
export interface AttributeSchema {
  readonly kind: 'attribute';
  /** Alloy's name (`scrape_interval`). */
  readonly name: string;
  readonly type: ArgumentType;
  readonly required?: boolean;
  /** For lists of OpenTelemetry consumers: the signal every element must accept. */
  readonly signal?: Signal;
  /** For lists of receivers: the receiver type every element must be. */
  readonly receiverType?: 'MetricsReceiver' | 'LogsReceiver';
}

/** A nested block: `name { ... }`, repeated when its prop is an array. */
export interface BlockSchema {
  readonly kind: 'block';
  readonly name: string;
  readonly body: BodySchema;
  readonly required?: boolean;
  readonly repeated?: boolean;
}

/** Props name -> schema, in the order Alloy documents them. */
export interface BodySchema {
  readonly [prop: string]: AttributeSchema | BlockSchema;
}

/** Shorthand for an attribute schema. */
export function attr(
  name: string,
  type: ArgumentType,
  options: Omit<AttributeSchema, 'kind' | 'name' | 'type'> = {},
): AttributeSchema {
  return { kind: 'attribute', name, type, ...options };
}

/** Shorthand for a block schema. */
export function blk(name: string, body: BodySchema, options: Omit<BlockSchema, 'kind' | 'name' | 'body'> = {}): BlockSchema {
  return { kind: 'block', name, body, ...options };
}

/** Props that every component takes and that are not part of its body. */
const COMMON_PROPS = new Set(['label']);

/** Go's time.ParseDuration syntax: `"0"`, or numbers with units, such as `"1h30m"` or `"500ms"`. */
const DURATION = /^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$/;

/**
 * Renders `props` as the statements of a body following `schema`: attributes first, then
 * blocks, each in schema order. Unset props are left out so Alloy's defaults apply.
 *
 * @param subject the construct path or block path named in errors
 */
export function renderBody(subject: string, props: object, schema: BodySchema, top = true): Statement[] {
  const values = props as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (!(key in schema) && !(top && COMMON_PROPS.has(key)) && values[key] !== undefined) {
      const known = Object.keys(schema).join(', ') || '(none)';
      throw new Error(`${subject}: unknown argument or block "${key}"; known: ${known}`);
    }
  }
  const attributes: Statement[] = [];
  const blocks: Statement[] = [];
  for (const [prop, field] of Object.entries(schema)) {
    const value = values[prop];
    if (value === undefined) {
      if (field.required) {
        throw new Error(`${subject}: missing required ${field.kind} "${field.name}" (prop ${prop}); set ${prop}`);
      }
      continue;
    }
    if (field.kind === 'attribute') {
      attributes.push(attribute(field.name, checkValue(`${subject}: ${field.name}`, field, value)));
      continue;
    }
    const where = `${subject} > ${field.name}`;
    if (field.repeated) {
      if (!Array.isArray(value)) {
        throw new Error(`${where}: expected a list of blocks (got ${describe(value)}); pass an array`);
      }
      value.forEach((item, i) => blocks.push(block(field.name, undefined, renderBlockBody(`${where}[${i}]`, item, field))));
    } else {
      blocks.push(block(field.name, undefined, renderBlockBody(where, value, field)));
    }
  }
  return [...attributes, ...blocks];
}

function renderBlockBody(where: string, value: unknown, field: BlockSchema): Statement[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected an object for block "${field.name}" (got ${describe(value)})`);
  }
  return renderBody(where, value, field.body, false);
}

/** Checks a prop's value against its schema and returns it as an Alloy value. */
function checkValue(where: string, field: AttributeSchema, value: unknown): AlloyValue {
  if (field.type === 'secret') {
    if (!(value instanceof Expr) || (value instanceof Raw && /^["`]/.test(value.text.trim()))) {
      // the value itself is not repeated: it may be the secret
      const got = typeof value === 'string' || value instanceof Raw ? 'a string literal' : `a ${typeof value}`;
      throw new Error(
        `${where}: a secret cannot be a literal (got ${got}); ` +
        'pass a reference such as Expr.env("MY_TOKEN") fed from a Kubernetes Secret',
      );
    }
    return value;
  }
  if (value instanceof Expr) {
    return value;
  }
  const fail = (expected: string, hint: string): never => {
    throw new Error(`${where}: expected ${expected} (got ${describe(value)}); ${hint}`);
  };
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') fail('a string', 'pass a string or an Expr');
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a finite number', 'pass a number or an Expr');
      break;
    case 'bool':
      if (typeof value !== 'boolean') fail('a boolean', 'pass true, false or an Expr');
      break;
    case 'duration':
      if (typeof value !== 'string' || !DURATION.test(value)) {
        fail('a duration', 'write it as Go does, such as "30s", "5m" or "1h30m"');
      }
      break;
    case 'list':
      if (!Array.isArray(value)) fail('a list', 'pass an array');
      checkElements(where, field, value as unknown[]);
      break;
    case 'map':
    case 'object':
      if (!isAlloyObject(value as AlloyValue)) fail('an object', 'pass a plain object');
      checkCredentialHeaders(where, value as Record<string, unknown>);
      break;
  }
  return value as AlloyValue;
}

/** Header names that carry credentials: their values must be references, never literals. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|x-api-token|cookie)$/i;

function checkCredentialHeaders(where: string, map: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(map)) {
    if (CREDENTIAL_HEADERS.test(key) && typeof value === 'string') {
      throw new Error(
        `${where}: header "${key}" carries a credential and cannot be a literal (got a string of ${value.length} characters); ` +
        'pass a reference such as Expr.env("MY_TOKEN") fed from a Kubernetes Secret',
      );
    }
  }
}

function checkElements(where: string, field: AttributeSchema, items: readonly unknown[]): void {
  items.forEach((item, i) => {
    // An untyped expression (Expr.ref by path, Expr.raw) cannot be checked here; the config
    // checks that a path names one of its components.
    if (item instanceof Expr && !('signals' in item) && !('receiverType' in item)) {
      return;
    }
    if (field.signal !== undefined) {
      const signals = (item as { signals?: readonly Signal[] }).signals;
      if (!Array.isArray(signals) || !signals.includes(field.signal)) {
        throw new Error(
          `${where}[${i}]: ${describe(item)} does not accept ${field.signal}; ` +
          `send ${field.signal} only to the input of a component that accepts ${field.signal}`,
        );
      }
    }
    if (field.receiverType !== undefined && (item as { receiverType?: string }).receiverType !== field.receiverType) {
      throw new Error(
        `${where}[${i}]: expected a ${field.receiverType} (got ${describe(item)}); ` +
        `pass the receiver export of a component that takes ${field.receiverType === 'MetricsReceiver' ? 'metrics' : 'logs'}`,
      );
    }
  });
}

/** A short, readable form of a value for error messages. */
export function describe(value: unknown): string {
  if (value instanceof Expr) {
    const path = (value as { path?: string }).path;
    return path !== undefined ? path : `${value.constructor.name} expression`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object' && value !== null) {
    return 'an object';
  }
  return String(value);
}

/** Every argument also takes an Alloy expression (a reference, `sys.env(...)`, ...). */
export type Arg<T> = T | Expr;

/** A Go duration string, such as `"30s"`, `"5m"` or `"1h30m"`. */
export type Duration = string;

/** A secret: never a literal; a reference such as `Expr.env('TOKEN')`. */
export type Secret = Expr;
