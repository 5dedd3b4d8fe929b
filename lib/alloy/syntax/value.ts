/**
 * The value model of the Alloy syntax: what an attribute, an object field or a list
 * element can hold.
 *
 * Plain JavaScript values stand for Alloy literals (string, number, boolean, null, list,
 * object). A typed export of a component (an OTel consumer, a receiver, targets, a handler)
 * is an {@link ExportRef}. Every other expression is an {@link Expr}: a reference by path,
 * a function call such as `sys.env("X")`, an operator, an index. There is no raw text: every
 * expression is built from these parts and printed canonically.
 */
import { assertDottedName, assertIdentifier } from './identifiers';

/** An object literal: keys in insertion order; an `undefined` field is left out. */
export interface AlloyObject {
  readonly [key: string]: AlloyValue | undefined;
}

/** Any value an Alloy attribute can hold. */
export type AlloyValue =
  | string
  | number
  | boolean
  | null
  | Expr
  | ExportRef
  | readonly AlloyValue[]
  | AlloyObject;

/**
 * A typed export of a component (`otelcol.exporter.otlp.default.input`). Not an {@link Expr}:
 * it fits only where its type is expected, never where a string, number or secret goes.
 */
export abstract class ExportRef {
  /** Makes exports nominal: no plain expression passes for one. */
  protected readonly alloyExport = true;

  /**
   * @param path the dotted path that is printed
   * @param target the component that exports it; the config checks that it is part of the same config
   */
  public constructor(public readonly path: string, public readonly target: object) {
    assertDottedName('export', 'path', path);
  }
}

/** The binary operators of the Alloy syntax. */
export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';

const BINARY_OPERATORS: readonly string[] = ['||', '&&', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^'];

/** An Alloy expression that is not a literal. */
export abstract class Expr {
  /** Makes Expr nominal: no string or plain object passes for an expression. */
  protected readonly alloyExpression = true;

  /** A reference to `path` (`otelcol.processor.batch.default.input`), owned by `target`. */
  public static ref(path: string, target?: object): Reference {
    return new Reference(path, target);
  }

  /** A call of a standard-library function: `Expr.call('sys.env', 'HOME')`. */
  public static call(fn: string, ...args: AlloyValue[]): Call {
    return new Call(fn, args);
  }

  /** `sys.env(name)`: the value of an environment variable of the Alloy process. */
  public static env(name: string): Call {
    return new Call('sys.env', [name]);
  }

  /** `left <operator> right`; nested operators are parenthesized: `Expr.op(Expr.op(1, '+', 2), '*', 3)` is `(1 + 2) * 3`. */
  public static op(left: AlloyValue, operator: BinaryOperator, right: AlloyValue): Binary {
    return new Binary(left, operator, right);
  }

  /** `!value`. */
  public static not(value: AlloyValue): Unary {
    return new Unary('!', value);
  }

  /** `-value`. */
  public static neg(value: AlloyValue): Unary {
    return new Unary('-', value);
  }

  /** `value[index]`: an element of a list or a field of an object. */
  public static index(value: AlloyValue, index: AlloyValue): Index {
    return new Index(value, index);
  }
}

/** A reference to an export of another component, or to any dotted name. */
export class Reference extends Expr {
  /**
   * @param path the dotted path that is printed
   * @param target the object (usually a component) that owns what is referenced; the
   *   config checks that it is part of the same config
   */
  public constructor(public readonly path: string, public readonly target?: object) {
    super();
    assertDottedName('reference', 'path', path);
  }
}

/** A function call: `sys.env("X")`, `encoding.from_base64(...)`. */
export class Call extends Expr {
  public readonly args: readonly AlloyValue[];

  public constructor(public readonly fn: string, args: readonly AlloyValue[]) {
    super();
    assertDottedName('function call', 'function name', fn);
    this.args = [...args];
  }
}

/** A binary operation (see {@link Expr.op}). */
export class Binary extends Expr {
  public constructor(public readonly left: AlloyValue, public readonly operator: BinaryOperator, public readonly right: AlloyValue) {
    super();
    if (!BINARY_OPERATORS.includes(operator)) {
      throw new Error(`operator: unknown binary operator (got ${JSON.stringify(operator)}); use one of ${BINARY_OPERATORS.join(' ')}`);
    }
  }
}

/** A unary operation (see {@link Expr.not}, {@link Expr.neg}). */
export class Unary extends Expr {
  public constructor(public readonly operator: '!' | '-', public readonly operand: AlloyValue) {
    super();
  }
}

/** An index expression (see {@link Expr.index}). */
export class Index extends Expr {
  public constructor(public readonly value: AlloyValue, public readonly index: AlloyValue) {
    super();
  }
}

/**
 * How a list is printed: `'oneLine'` (`[a, b, c]`) or `'lines'` (one element per line, each
 * followed by `,`). Without a mark, the printer chooses: one line when it fits in 80 characters
 * and holds no multi-line element, else one element per line. `alloy fmt` keeps either, as written.
 */
export type ListLayout = 'oneLine' | 'lines';

/** The marked lists, by identity: the array itself stays as it is (typed, frozen or not). */
const LIST_LAYOUTS = new WeakMap<readonly unknown[], ListLayout>();

/**
 * Marks `list` to be printed in `layout` and returns the same array (see `Layout.lines` and
 * `Layout.oneLine`). The mark belongs to the array object: one array has one layout.
 *
 * @param subject names the caller in errors
 */
export function setListLayout<T extends readonly unknown[]>(subject: string, list: T, layout: ListLayout): T {
  if (!Array.isArray(list)) {
    throw new Error(`${subject}: expected a list (got ${list === null ? 'null' : typeof list}); pass the array to lay out, such as ${subject}([a, b])`);
  }
  const had = LIST_LAYOUTS.get(list);
  if (had !== undefined && had !== layout) {
    throw new Error(
      `${subject}: this array is already marked Layout.${had} (got ${describeList(list)}); ` +
      'an array has one layout: pass a copy ([...list]) to lay it out otherwise',
    );
  }
  LIST_LAYOUTS.set(list, layout);
  return list;
}

/** The layout `list` is marked with, if any. */
export function listLayoutOf(list: readonly unknown[]): ListLayout | undefined {
  return LIST_LAYOUTS.get(list);
}

/**
 * How an object is printed: `'oneLine'` (`{a = 1, b = "x"}`). Without a mark, an object with
 * fields is printed one field per line. `alloy fmt` keeps either, as written.
 */
export type ObjectLayout = 'oneLine';

/** The marked objects, by identity, like {@link LIST_LAYOUTS}. */
const OBJECT_LAYOUTS = new WeakMap<object, ObjectLayout>();

/** The keys printed quoted though they need no quotes, by object. */
const QUOTED_KEYS = new WeakMap<object, ReadonlySet<string>>();

/** Throws unless `object` is an object literal of the value model (not a list, an expression, null). */
function assertPlainObject(subject: string, object: unknown, example: string): asserts object is AlloyObject {
  if (typeof object !== 'object' || object === null || Array.isArray(object) || object instanceof Expr || object instanceof ExportRef) {
    const got = object === null ? 'null' : Array.isArray(object) ? 'a list' : object instanceof Expr || object instanceof ExportRef ? 'an expression' : typeof object;
    throw new Error(`${subject}: expected an object literal (got ${got}); pass the object to lay out, such as ${example}`);
  }
}

/**
 * Marks `object` to be printed on one line and returns the same object (see `Layout.oneLine`).
 *
 * @param subject names the caller in errors
 */
export function setObjectLayout<T extends object>(subject: string, object: T, layout: ObjectLayout): T {
  assertPlainObject(subject, object, `${subject}({ key: "value" })`);
  OBJECT_LAYOUTS.set(object, layout);
  return object;
}

/** The layout `object` is marked with, if any. */
export function objectLayoutOf(object: object): ObjectLayout | undefined {
  return OBJECT_LAYOUTS.get(object);
}

/**
 * Marks keys of `object` to be printed quoted even where they need no quotes
 * (`"__address__" = ...`), and returns the same object (see `Layout.quotedKeys`). Without `keys`,
 * every key of the object. Marking again adds to the keys marked.
 *
 * @param subject names the caller in errors
 */
export function setQuotedKeys<T extends object>(subject: string, object: T, keys?: readonly string[]): T {
  assertPlainObject(subject, object, `${subject}({ __address__: "host:port" })`);
  const own = Object.keys(object);
  if (keys !== undefined && !Array.isArray(keys)) {
    throw new Error(`${subject}: keys must be a list of key names (got ${typeof keys}); pass such as ['__address__'], or leave it out to quote every key`);
  }
  const chosen = keys ?? own;
  for (const key of chosen) {
    if (typeof key !== 'string' || !own.includes(key)) {
      throw new Error(
        `${subject}: ${JSON.stringify(key)} is not a key of the object (its keys: ${own.length === 0 ? '(none)' : own.map((k) => JSON.stringify(k)).join(', ')}); ` +
        'name keys the object has',
      );
    }
  }
  QUOTED_KEYS.set(object, new Set([...(QUOTED_KEYS.get(object) ?? []), ...chosen]));
  return object;
}

/** The keys of `object` marked to be printed quoted, if any. */
export function quotedKeysOf(object: object): ReadonlySet<string> | undefined {
  return QUOTED_KEYS.get(object);
}

function describeList(list: readonly unknown[]): string {
  return `a list of ${list.length} element${list.length === 1 ? '' : 's'}`;
}

/** Whether `value` is an object literal (not null, a list, an expression or an export). */
export function isAlloyObject(value: AlloyValue | undefined): value is AlloyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Expr) && !(value instanceof ExportRef);
}

/** Calls `visit` on every expression and export inside `value`, depth first. */
export function forEachExpr(value: AlloyValue | undefined, visit: (expr: Expr | ExportRef) => void): void {
  if (value instanceof ExportRef) {
    visit(value);
  } else if (value instanceof Expr) {
    visit(value);
    const parts: AlloyValue[] =
      value instanceof Call ? [...value.args]
        : value instanceof Binary ? [value.left, value.right]
          : value instanceof Unary ? [value.operand]
            : value instanceof Index ? [value.value, value.index]
              : [];
    parts.forEach((part) => forEachExpr(part, visit));
  } else if (Array.isArray(value)) {
    value.forEach((item: AlloyValue) => forEachExpr(item, visit));
  } else if (isAlloyObject(value)) {
    Object.values(value).forEach((item) => forEachExpr(item, visit));
  }
}

/** Throws unless `name` can name an attribute (a plain identifier). */
export function assertAttributeName(subject: string, name: string): void {
  assertIdentifier(subject, 'attribute name', name);
}
