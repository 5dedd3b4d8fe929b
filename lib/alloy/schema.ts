/**
 * Schemas of component bodies: which prop renders to which Alloy attribute or block, and
 * what kind of value it holds. The generator (scripts/generate-alloy.ts) emits one per
 * component from imports/alloy/facts.json; renderBody turns props into statements with it.
 */
import { DURATION_HINT, isDuration } from './rules';
import { Capsule, CapsuleType, Signal, Targets } from './signals';
import { AlloyValue, Binary, Call, ExportRef, Expr, Index, Reference, Statement, Unary, attribute, block, isAlloyObject } from './syntax';

/** The kind of an argument, as imports/alloy/facts.json classes it. */
export type ArgumentKind =
  | 'string'
  | 'bool'
  | 'number'
  | 'duration'
  | 'secret'
  | 'list(string)'
  | 'list(number)'
  | 'list(duration)'
  | 'list(secret)'
  | 'map(string)'
  | 'map(secret)'
  | 'map(list(secret))'
  | 'map(list(string))'
  | 'map(any)'
  | 'consumers'
  | 'logs_receivers'
  | 'metrics_receivers'
  | 'profiles_receivers'
  | 'targets'
  | 'relabel_rules'
  | 'auth_handler'
  | 'storage_handler'
  | 'handler'
  | 'any';

/** An attribute: `name = value`. */
export interface AttributeSchema {
  readonly kind: 'attribute';
  /** Alloy's name (`scrape_interval`). */
  readonly name: string;
  readonly type: ArgumentKind;
  readonly required?: boolean;
  /** For lists of OpenTelemetry consumers: the signal every element must accept. */
  readonly signal?: Signal;
}

/** A nested block: `name { ... }`; a prop holding an array renders it once per element. */
export interface BlockSchema {
  readonly kind: 'block';
  readonly name: string;
  readonly body: BodySchema;
  readonly required?: boolean;
  /** Labelled blocks (`static "name" { }`) take their label from the element's `label` prop. */
  readonly labelled?: boolean;
}

/**
 * An ordered list of blocks of several names sharing a prefix, such as `loki.process`'s
 * `stage.*` blocks: each element is an object with one key naming the block.
 */
export interface EnumBlockSchema {
  readonly kind: 'enum';
  /** The prefix, such as `stage`; element key `json` renders block `stage.json`. */
  readonly prefix: string;
  readonly options: { readonly [key: string]: BlockSchema };
}

/** Props name -> schema. */
export interface BodySchema {
  readonly [prop: string]: AttributeSchema | BlockSchema | EnumBlockSchema;
}

/** Props that every component takes and that are not part of its body. */
const COMMON_PROPS = new Set(['label', 'dropOutput']);

const CAPSULE_OF: Partial<Record<ArgumentKind, readonly CapsuleType[]>> = {
  logs_receivers: ['LogsReceiver'],
  metrics_receivers: ['MetricsReceiver'],
  profiles_receivers: ['ProfilesReceiver'],
  relabel_rules: ['RelabelRules'],
  auth_handler: ['AuthHandler'],
  storage_handler: ['StorageHandler'],
  handler: ['AuthHandler', 'StorageHandler'],
};

/**
 * Renders `props` as the statements of a body following `schema`: attributes first, then
 * blocks, each in schema order. Unset props are left out so Alloy's defaults apply.
 *
 * @param subject the construct path or block path named in errors
 */
export function renderBody(subject: string, props: object, schema: BodySchema, top = true, labelled = false): Statement[] {
  const values = props as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (!(key in schema) && !(top && COMMON_PROPS.has(key)) && !(labelled && key === 'label') && values[key] !== undefined) {
      const known = Object.keys(schema).join(', ') || '(none)';
      throw new Error(`${subject}: unknown argument or block "${key}"; known: ${known}`);
    }
  }
  const attributes: Statement[] = [];
  const blocks: Statement[] = [];
  for (const [prop, field] of Object.entries(schema)) {
    const value = values[prop];
    if (value === undefined) {
      if (field.kind !== 'enum' && field.required) {
        throw new Error(`${subject}: missing required ${field.kind} "${field.name}" (prop ${prop}); set ${prop}`);
      }
      continue;
    }
    if (field.kind === 'attribute') {
      attributes.push(attribute(field.name, checkValue(`${subject}: ${field.name}`, field, value)));
    } else if (field.kind === 'block') {
      const where = `${subject} > ${field.name}`;
      const items = Array.isArray(value) ? value : [value];
      if (field.required && items.length === 0) {
        throw new Error(`${where}: required block "${field.name}" given as an empty list (prop ${prop}); pass one object or a non-empty array`);
      }
      items.forEach((item, i) => {
        const at = Array.isArray(value) ? `${where}[${i}]` : where;
        blocks.push(renderBlock(at, item, field));
      });
    } else {
      blocks.push(...renderEnum(`${subject} > ${prop}`, value, field));
    }
  }
  return [...attributes, ...blocks];
}

function renderBlock(where: string, value: unknown, field: BlockSchema): Statement {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Expr) {
    throw new Error(`${where}: expected an object for block "${field.name}" (got ${describe(value)})`);
  }
  let label: string | undefined;
  if (field.labelled) {
    label = (value as { label?: unknown }).label as string | undefined;
    if (typeof label !== 'string') {
      throw new Error(`${where}: block "${field.name}" needs a label (got ${describe(label)}); set label to an Alloy identifier`);
    }
  }
  return block(field.name, label, renderBody(where, value, field.body, false, field.labelled));
}

function renderEnum(where: string, value: unknown, field: EnumBlockSchema): Statement[] {
  if (!Array.isArray(value)) {
    throw new Error(`${where}: expected a list (got ${describe(value)}); pass an array of { ${Object.keys(field.options)[0]}: {...} } objects`);
  }
  return value.map((item, i) => {
    const keys = typeof item === 'object' && item !== null ? Object.keys(item).filter((k) => (item as Record<string, unknown>)[k] !== undefined) : [];
    const option = keys.length === 1 ? field.options[keys[0]] : undefined;
    if (option === undefined) {
      throw new Error(
        `${where}[${i}]: expected an object with exactly one key naming a ${field.prefix}.* block (got keys ${JSON.stringify(keys)}); ` +
        `use one of ${Object.keys(field.options).join(', ')}`,
      );
    }
    return renderBlock(`${where}[${i}] > ${option.name}`, (item as Record<string, unknown>)[keys[0]], option);
  });
}

/** Checks a prop's value against its schema and returns it as an Alloy value. */
function checkValue(where: string, field: AttributeSchema, value: unknown): AlloyValue {
  const fail = (expected: string, hint: string): never => {
    throw new Error(`${where}: expected ${expected} (got ${describe(value)}); ${hint}`);
  };
  const kind = field.type;
  if (kind === 'secret') {
    checkSecret(where, value);
    return value as AlloyValue;
  }
  const capsules = CAPSULE_OF[kind];
  if (capsules !== undefined) {
    const list = kind.endsWith('_receivers');
    const items: unknown[] = list ? (Array.isArray(value) ? value : fail('a list', 'pass an array of receiver exports')) : [value];
    items.forEach((item, i) => {
      if (!(item instanceof Capsule) || !capsules.includes(item.capsuleType)) {
        throw new Error(
          `${where}${list ? `[${i}]` : ''}: expected a ${capsules.join(' or ')} (got ${describe(item)}); ` +
          `pass the matching export of a component (such as .receiver, .rules or .handler)`,
        );
      }
    });
    return value as AlloyValue;
  }
  if (kind === 'consumers') {
    if (!Array.isArray(value)) fail('a list', 'pass an array of .input exports');
    (value as unknown[]).forEach((item, i) => {
      const signals = (item as { signals?: readonly Signal[] }).signals;
      if (!Array.isArray(signals) || (field.signal !== undefined && !signals.includes(field.signal))) {
        throw new Error(
          `${where}[${i}]: ${describe(item)} does not accept ${field.signal ?? 'OpenTelemetry data'}; ` +
          `send ${field.signal ?? 'data'} only to the input of a component that accepts ${field.signal ?? 'it'}`,
        );
      }
    });
    return value as AlloyValue;
  }
  if (value instanceof ExportRef && !(kind === 'targets' && value instanceof Targets) && kind !== 'any') {
    throw new Error(
      `${where}: the export ${value.path} is typed for wiring and cannot be used as ${kind} (got ${value.constructor.name}); ` +
      'pass a value of that kind, or an expression such as Expr.env(...)',
    );
  }
  if (value instanceof Expr || value instanceof ExportRef) {
    return value as AlloyValue;
  }
  switch (kind) {
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
      checkDuration(where, value);
      break;
    case 'list(string)':
    case 'list(number)':
    case 'list(duration)':
    case 'list(secret)':
    case 'targets':
      if (!Array.isArray(value)) fail('a list', 'pass an array');
      (value as unknown[]).forEach((item, i) => checkElement(`${where}[${i}]`, kind, item));
      break;
    case 'map(string)':
    case 'map(secret)':
    case 'map(list(secret))':
    case 'map(list(string))':
    case 'map(any)':
      if (!isAlloyObject(value as AlloyValue)) fail('an object', 'pass a plain object');
      checkMap(where, kind, value as Record<string, unknown>, /headers$/.test(field.name));
      break;
  }
  return value as AlloyValue;
}

function checkDuration(where: string, value: unknown): void {
  if (value instanceof Expr) return;
  if (typeof value !== 'string' || !isDuration(value)) {
    throw new Error(`${where}: expected a duration (got ${describe(value)}); ${DURATION_HINT}`);
  }
}

function checkElement(where: string, kind: ArgumentKind, item: unknown): void {
  if (item instanceof Expr) {
    if (kind === 'list(secret)') checkSecret(where, item);
    return;
  }
  const ok = {
    'list(string)': typeof item === 'string',
    'list(number)': typeof item === 'number' && Number.isFinite(item),
    'list(duration)': true,
    'list(secret)': false,
    targets: isAlloyObject(item as AlloyValue),
  }[kind as 'list(string)'];
  if (kind === 'list(duration)') {
    checkDuration(where, item);
  } else if (kind === 'list(secret)') {
    checkSecret(where, item);
  } else if (!ok) {
    throw new Error(`${where}: unexpected element (got ${describe(item)}); each element must be ${kind === 'targets' ? 'an object of labels' : kind.slice(5, -1)}`);
  }
}

function checkMap(where: string, kind: ArgumentKind, map: Record<string, unknown>, headers: boolean): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const at = `${where}["${key}"]`;
    if (kind === 'map(secret)') {
      checkSecret(at, value);
    } else if (kind === 'map(list(secret))') {
      if (!Array.isArray(value)) {
        throw new Error(`${at}: expected a list of secrets (got ${describe(value)}); pass [Expr.env("NAME")]`);
      }
      value.forEach((v, i) => checkSecret(`${at}[${i}]`, v));
    } else if (kind === 'map(string)') {
      if (headers && CREDENTIAL_HEADERS.test(key) && typeof value === 'string') {
        throw new Error(
          `${where}: header "${key}" carries a credential and cannot be a literal (got a string of ${value.length} characters); ` +
          'pass a reference such as Expr.env("MY_TOKEN") fed from a Kubernetes Secret',
        );
      }
      if (typeof value !== 'string' && !(value instanceof Expr)) {
        throw new Error(`${at}: expected a string (got ${describe(value)}); pass a string or an Expr`);
      }
    } else if (kind === 'map(list(string))') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && !(v instanceof Expr))) {
        throw new Error(`${at}: expected a list of strings (got ${describe(value)}); pass an array of strings`);
      }
    }
  }
}

/** Header names that carry credentials (`Authorization`, `DD-API-KEY`, `X-Honeycomb-Team`, ...): their values must be references, never literals. */
const CREDENTIAL_HEADERS = /auth|key|token|secret|pass|cookie|session|team|license|credential/i;

function checkSecret(where: string, value: unknown): void {
  if (!(value instanceof Expr) || !secretSafe(value)) {
    // the value itself is not repeated: it may be the secret
    const got = typeof value === 'string' ? 'a string literal'
      : value instanceof ExportRef ? `the export ${value.path}`
        : value instanceof Expr ? 'an expression holding a string literal' : `a ${typeof value}`;
    throw new Error(
      `${where}: a secret cannot be a literal (got ${got}); ` +
      'pass a reference such as Expr.env("MY_TOKEN") fed from a Kubernetes Secret',
    );
  }
}

/**
 * Whether an expression can only hold a secret by reference: `sys.env("NAME")`, a reference
 * (such as a `remote.kubernetes.secret` export), an index into one, or a function or operator
 * over those. A string literal anywhere else could be the secret itself.
 */
function secretSafe(e: AlloyValue): boolean {
  if (e instanceof Reference) return true;
  if (e instanceof Call) {
    if (e.fn === 'sys.env') return e.args.length === 1 && typeof e.args[0] === 'string';
    return e.args.every((a) => a instanceof Expr && secretSafe(a));
  }
  if (e instanceof Index) return e.value instanceof Expr && secretSafe(e.value) && (typeof e.index === 'string' || typeof e.index === 'number');
  if (e instanceof Binary) return [e.left, e.right].every((a) => a instanceof Expr && secretSafe(a));
  if (e instanceof Unary) return e.operand instanceof Expr && secretSafe(e.operand);
  return false;
}

/**
 * Checks statements added through an escape hatch against `schema`, as the typed props are
 * checked: each attribute's value against its kind, each block's body against its schema.
 */
export function checkStatements(where: string, statements: readonly Statement[], schema: BodySchema): void {
  const fields = Object.values(schema).flatMap((f) => (f.kind === 'enum' ? Object.values(f.options) : [f]));
  for (const s of statements) {
    if (s.kind === 'comment') continue;
    const field = fields.find((f) => f.name === s.name && (f.kind === 'attribute') === (s.kind === 'attribute'));
    if (field === undefined) continue;
    if (s.kind === 'attribute' && field.kind === 'attribute') {
      checkValue(`${where}: ${s.name}`, field, s.value);
    } else if (s.kind === 'block' && field.kind === 'block') {
      checkStatements(`${where} > ${s.name}`, s.body, field.body);
    }
  }
}

/** A short, readable form of a value for error messages. */
export function describe(value: unknown): string {
  if (value instanceof ExportRef) {
    return value.path;
  }
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
export type AlloyDuration = string;

/** A secret: never a literal; a reference such as `Expr.env('TOKEN')`. */
export type AlloySecret = Expr;

/** Every attribute and block name a schema renders, by block path (`''` for the body itself). */
export function knownNames(schema: BodySchema, path = '', seen: ReadonlySet<BodySchema> = new Set()): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  const here = new Set<string>();
  result.set(path, here);
  const visit = (b: BlockSchema, name: string) => {
    here.add(name);
    if (seen.has(b.body)) return; // schemas may nest themselves (loki.process stage.match)
    for (const [p, names] of knownNames(b.body, path === '' ? name : `${path} > ${name}`, new Set([...seen, schema]))) result.set(p, names);
  };
  for (const field of Object.values(schema)) {
    if (field.kind === 'attribute') here.add(field.name);
    else if (field.kind === 'block') visit(field, field.name);
    else Object.values(field.options).forEach((o) => visit(o, o.name));
  }
  return result;
}

/** Shorthand for an attribute schema (used by generated code). */
export function attr(name: string, type: ArgumentKind, options: Omit<AttributeSchema, 'kind' | 'name' | 'type'> = {}): AttributeSchema {
  return { kind: 'attribute', name, type, ...options };
}

/** Shorthand for a block schema (used by generated code). */
export function blk(name: string, body: BodySchema, options: Omit<BlockSchema, 'kind' | 'name' | 'body'> = {}): BlockSchema {
  return { kind: 'block', name, body, ...options };
}

/** Shorthand for an ordered list of blocks sharing a prefix (used by generated code). */
export function enumBlocks(prefix: string, options: { readonly [key: string]: BlockSchema }): EnumBlockSchema {
  return { kind: 'enum', prefix, options };
}
