/**
 * Turns a parsed file into the value model the canonical printer prints (./ast, ./value):
 * literals become JavaScript values, dotted names references, calls of dotted names calls,
 * operators and indexes their Expr, and `//` comments on lines of their own comment
 * statements in the body they stand in.
 *
 * What the value model cannot hold is never dropped in silence: a comment it cannot place
 * (after code on the same line, inside a value, a `/* *\/` comment, or `//text` with no
 * space) goes to `onUnplacedComment`, which throws by default; an expression it has no form
 * for (a field of a call's result, a call of a call) throws, naming the line and column.
 */
import { Statement, attribute, block, comment } from './ast';
import { decodeLiteral, unquote } from './parser';
import { CommentNode, ExprNode, Stmt, SyntaxFile, endPos, formatPosition, startPos } from './tree';
import { AlloyObject, AlloyValue, Expr } from './value';

/** Options of {@link toStatements}. */
export interface ToStatementsOptions {
  /**
   * Called with each comment the value model cannot place; by default such a comment is an
   * error. Pass a function to collect them instead (an importer marks them in its output).
   */
  readonly onUnplacedComment?: (comment: CommentNode) => void;
}

/** The statements of a parsed file, in the value model. */
export function toStatements(file: SyntaxFile, options: ToStatementsOptions = {}): Statement[] {
  const where = (offset: number): string => formatPosition(file.source.position(offset));
  const unplaced = options.onUnplacedComment ?? ((c: CommentNode): never => {
    throw new Error(
      `${where(c.pos)}: the comment ${JSON.stringify(c.text)} cannot be kept: only "// text" comments on lines of their own ` +
      'between statements have a place in the value model; move it onto a line of its own, or remove it',
    );
  });
  const comments = file.comments.flat();
  let next = 0;
  const text = file.source.text;

  /** Whether only whitespace stands between the start of the comment's line and the comment. */
  const ownLine = (c: CommentNode): boolean => /^[ \t\r\ufeff]*$/.test(text.slice(text.lastIndexOf('\n', c.pos - 1) + 1, c.pos));

  /** Turns the comments that start before `offset` into statements (or reports them). */
  const commentsBefore = (offset: number, placeable: boolean): Statement[] => {
    const out: Statement[] = [];
    while (next < comments.length && comments[next].pos < offset) {
      const c = comments[next++];
      const line = /^\/\/(?: (.*)|)$/s.exec(c.text);
      if (placeable && line !== null && ownLine(c)) {
        out.push(comment(line[1] ?? ''));
      } else {
        unplaced(c);
      }
    }
    return out;
  };

  const body = (stmts: readonly Stmt[], end: number): Statement[] => {
    const out: Statement[] = [];
    for (const stmt of stmts) {
      out.push(...commentsBefore(startPos(stmt), true));
      if (stmt.type === 'attribute') {
        const value = valueOf(stmt.value);
        out.push(attribute(stmt.name.name, value));
        commentsBefore(endPos(stmt.value), false);
      } else {
        // comments between the name and the `{` have no place either
        commentsBefore(stmt.lcurlyPos, false);
        const inner = body(stmt.body, stmt.rcurlyPos);
        out.push(block(stmt.name.join('.'), stmt.label, inner));
      }
    }
    out.push(...commentsBefore(end, true));
    return out;
  };

  const valueOf = (expr: ExprNode): AlloyValue => {
    switch (expr.type) {
      case 'literal':
        return decodeLiteral(expr);
      case 'identifier':
      case 'access': {
        const path = dottedPath(expr);
        if (path === undefined) {
          throw unsupported(expr, 'a field of a value that is not a name');
        }
        return Expr.ref(path);
      }
      case 'call': {
        const fn = dottedPath(expr.value);
        if (fn === undefined) {
          throw unsupported(expr, 'a call of something that is not a function name');
        }
        return Expr.call(fn, ...expr.args.map(valueOf));
      }
      case 'index':
        return Expr.index(valueOf(expr.value), valueOf(expr.index));
      case 'unary': {
        const operand = valueOf(expr.value);
        if (expr.op === '!') {
          return Expr.not(operand);
        }
        // a negative number is a number in the value model, which prints it as `-1`
        return typeof operand === 'number' ? -operand : Expr.neg(operand);
      }
      case 'binary':
        return Expr.op(valueOf(expr.left), expr.op, valueOf(expr.right));
      case 'paren':
        // `(-3)` is what the printer prints for Expr.neg(3) as an operand: keep it an operation
        return expr.inner.type === 'unary' && expr.inner.op === '-' ? Expr.neg(valueOf(expr.inner.value)) : valueOf(expr.inner);
      case 'array':
        return expr.elements.map(valueOf);
      case 'object': {
        const object: Record<string, AlloyValue> = {};
        for (const field of expr.fields) {
          const key = field.quoted ? unquote(`"${field.name.name}"`) : field.name.name;
          if (Object.prototype.hasOwnProperty.call(object, key)) {
            throw new Error(
              `${where(field.name.pos)}: the object has the key ${JSON.stringify(key)} twice; ` +
              'Alloy keeps only one of them: remove the other',
            );
          }
          object[key] = valueOf(field.value);
        }
        return object as AlloyObject;
      }
    }
  };

  const unsupported = (expr: ExprNode, what: string): Error => new Error(
    `${where(startPos(expr))}: ${JSON.stringify(text.slice(startPos(expr), endPos(expr)))} is ${what}, ` +
    'which the value model has no form for; assign it to a name in a component first, or write it as a dotted reference',
  );

  return body(file.body, text.length);
}

/** `a.b.c` for an identifier or a chain of field accesses on one; undefined otherwise. */
export function dottedPath(expr: ExprNode): string | undefined {
  if (expr.type === 'identifier') {
    return expr.ident.name;
  }
  if (expr.type === 'access') {
    const head = dottedPath(expr.value);
    return head === undefined ? undefined : `${head}.${expr.name.name}`;
  }
  return undefined;
}
