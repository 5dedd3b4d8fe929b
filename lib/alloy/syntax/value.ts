/**
 * The value model of the Alloy syntax: what an attribute, an object field or a list
 * element can hold.
 *
 * Plain JavaScript values stand for Alloy literals (string, number, boolean, null, list,
 * object). Everything that is not a literal is an {@link Expr}: a reference to another
 * component's export, a function call such as `sys.env("X")`, or a verbatim expression.
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
  | readonly AlloyValue[]
  | AlloyObject;

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

  /**
   * An expression printed verbatim, for what the value model does not cover
   * (`Expr.raw('6 * 60')`). You own its syntax: nothing checks it beyond being one line.
   */
  public static raw(text: string): Raw {
    return new Raw(text);
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

/** A verbatim expression (see {@link Expr.raw}). */
export class Raw extends Expr {
  public constructor(public readonly text: string) {
    super();
    if (text.trim() === '' || /[\r\n]/.test(text)) {
      throw new Error(
        `raw expression: must be one non-empty line (got ${JSON.stringify(text)}); ` +
        'build multi-line values from lists and objects instead',
      );
    }
  }
}

/** Whether `value` is an object literal (not null, a list or an expression). */
export function isAlloyObject(value: AlloyValue | undefined): value is AlloyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Expr);
}

/** Calls `visit` on every expression inside `value`, depth first. */
export function forEachExpr(value: AlloyValue | undefined, visit: (expr: Expr) => void): void {
  if (value instanceof Expr) {
    visit(value);
    if (value instanceof Call) {
      value.args.forEach((arg) => forEachExpr(arg, visit));
    }
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
