/**
 * The canonical printer: turns statements into text byte-identical to what `alloy fmt`
 * (Alloy v1.18) prints for it. The rules it follows are listed in docs/alloy-format.md.
 */
import type { Statement } from './ast';
import { assertDottedName, assertIdentifier, isIdentifier } from './identifiers';
import { quote } from './quote';
import { AlloyObject, AlloyValue, Binary, Call, ExportRef, Expr, Index, Reference, Unary, isAlloyObject, listLayoutOf } from './value';

/** A one-line list longer than this many characters is printed one element per line, unless marked (`Layout.oneLine`). */
const MAX_INLINE_LIST = 80;

/**
 * Prints a whole file. Only blocks and comments may stand at the top level.
 * The result ends in exactly one newline; an empty file is a single newline.
 */
export function printFile(statements: readonly Statement[]): string {
  const attr = statements.find((s) => s.kind === 'attribute');
  if (attr) {
    throw new Error(
      `alloy file: attribute ${JSON.stringify(attr.name)} at the top level; ` +
      'attributes belong inside a block (a component or a configuration block)',
    );
  }
  return printBody(statements, 0).map((line) => line + '\n').join('') || '\n';
}

/** Prints the statements of one body at `indent` tabs, as lines without newlines. */
export function printBody(statements: readonly Statement[], indent: number): string[] {
  const lines: string[] = [];
  const tabs = '\t'.repeat(indent);
  let group: Array<[string, string]> = [];
  const flush = (): void => {
    lines.push(...alignGroup(group, tabs, ''));
    group = [];
  };

  statements.forEach((stmt, i) => {
    const previous = statements[i - 1];
    const blankBefore = blankLineBefore(stmt, previous, indent === 0);
    if (stmt.kind === 'attribute') {
      if (blankBefore) {
        flush();
        lines.push('');
      }
      assertIdentifier('alloy attribute', 'attribute name', stmt.name);
      const value = printAt(stmt.value, indent, stmt.name);
      group.push([stmt.name, value]);
      if (value.includes('\n')) {
        flush();
      }
      return;
    }
    flush();
    if (blankBefore) {
      lines.push('');
    }
    if (stmt.kind === 'comment') {
      if (/[\r\n]/.test(stmt.text)) {
        throw new Error(
          `alloy comment: must be one line (got ${JSON.stringify(stmt.text)}); ` +
          'use one comment statement per line',
        );
      }
      lines.push(`${tabs}//${stmt.text === '' ? '' : ' ' + stmt.text}`);
      return;
    }
    assertDottedName('alloy block', 'block name', stmt.name);
    let head = stmt.name;
    if (stmt.label !== undefined) {
      assertIdentifier(`alloy block ${stmt.name}`, 'label', stmt.label);
      head += ' ' + quote(stmt.label);
    }
    if (stmt.body.length === 0) {
      lines.push(`${tabs}${head} { }`);
    } else {
      lines.push(`${tabs}${head} {`, ...printBody(stmt.body, indent + 1), `${tabs}}`);
    }
  });
  flush();
  return lines;
}

/**
 * Whether a blank line stands before `stmt`: its `blankBefore`, or else the canonical rule (before
 * a block or a comment that does not follow a comment). Throws where alloy fmt would print
 * otherwise than `blankBefore` says.
 */
function blankLineBefore(stmt: Statement, previous: Statement | undefined, top: boolean): boolean {
  const canonical = previous !== undefined && stmt.kind !== 'attribute' && previous.kind !== 'comment';
  if (stmt.blankBefore === undefined) {
    return canonical;
  }
  const what = stmt.kind === 'comment' ? `comment ${JSON.stringify(stmt.text)}` : `${stmt.kind} ${JSON.stringify(stmt.name)}`;
  if (stmt.blankBefore && previous === undefined && (top || stmt.kind !== 'comment')) {
    throw new Error(
      `alloy ${what}: blankBefore is true, but it opens ${top ? 'the file' : 'a body'}, where alloy fmt keeps no blank line` +
      `${top ? '' : ' (but before a comment)'}; leave blankBefore out`,
    );
  }
  if (!stmt.blankBefore && stmt.kind === 'block' && (previous?.kind === 'attribute' || previous?.kind === 'block')) {
    throw new Error(
      `alloy ${what}: blankBefore is false, but it follows ${previous.kind === 'block' ? 'a block' : 'an attribute'}, ` +
      'and alloy fmt always puts a blank line there; leave blankBefore out',
    );
  }
  return stmt.blankBefore;
}

/** Lines `name = value` with the `=` of the whole group in one column. */
function alignGroup(group: ReadonlyArray<[string, string]>, tabs: string, suffix: string): string[] {
  const width = Math.max(0, ...group.map(([name]) => codePoints(name)));
  return group.map(([name, value]) => `${tabs}${name}${' '.repeat(width - codePoints(name))} = ${value}${suffix}`);
}

function codePoints(text: string): number {
  return [...text].length;
}

/**
 * Prints a value as it stands after `name = ` on a line indented by `indent` tabs.
 * Multi-line values (objects, long lists) contain newlines and indent their inner lines.
 */
export function printValue(value: AlloyValue, indent: number): string {
  return printAt(value, indent, 'value');
}

/** {@link printValue}, with where the value stands (`forward_to[0]`), for errors. */
function printAt(value: AlloyValue, indent: number, where: string): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return printNumber(value);
  }
  if (value instanceof ExportRef) {
    return value.path;
  }
  if (value instanceof Expr) {
    return printExpr(value, indent, where);
  }
  if (Array.isArray(value)) {
    return printList(value, indent, where);
  }
  if (isAlloyObject(value)) {
    return printObject(value, indent, where);
  }
  throw new Error(
    `alloy value: unsupported value of type ${typeof value} (got ${String(value)}); ` +
    'use a string, number, boolean, null, list, object or an Expr',
  );
}

function printNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(
      `alloy number: not a finite number (got ${value}); Alloy has no NaN or infinity: pass a finite number`,
    );
  }
  // String() gives the shortest decimal that reads back as the same double.
  return Object.is(value, -0) ? '0' : String(value);
}

function printExpr(expr: Expr, indent: number, where: string): string {
  if (expr instanceof Reference) {
    return expr.path;
  }
  if (expr instanceof Call) {
    return `${expr.fn}(${expr.args.map((arg, i) => printAt(arg, indent, `${where} > ${expr.fn}(#${i + 1})`)).join(', ')})`;
  }
  if (expr instanceof Binary) {
    return `${operand(expr.left, indent, where)} ${expr.operator} ${operand(expr.right, indent, where)}`;
  }
  if (expr instanceof Unary) {
    return `${expr.operator}${operand(expr.operand, indent, where)}`;
  }
  if (expr instanceof Index) {
    return `${operand(expr.value, indent, where)}[${oneLine(expr.index, indent, where)}]`;
  }
  throw new Error(`alloy expression: unknown kind of expression (got ${expr.constructor.name}); use Expr.ref, Expr.call, Expr.op, Expr.not, Expr.neg or Expr.index`);
}

/** An operand of an operator, parenthesized when it is itself an operation. */
function operand(value: AlloyValue, indent: number, where: string): string {
  const text = oneLine(value, indent, where);
  return value instanceof Binary || value instanceof Unary ? `(${text})` : text;
}

function oneLine(value: AlloyValue, indent: number, where: string): string {
  const text = printAt(value, indent, where);
  if (text.includes('\n')) {
    throw new Error(
      `alloy expression: an operand spans several lines (got ${JSON.stringify(text)}); ` +
      'use short lists (not marked Layout.lines) and no objects inside operators',
    );
  }
  return text;
}

/**
 * A list on one line, or one element per line: as marked (`Layout.oneLine`, `Layout.lines`), else
 * on one line when it fits in {@link MAX_INLINE_LIST} characters and no element spans lines.
 * `alloy fmt` keeps both forms as written (Alloy's `syntax/printer/walker.go`, `walkArrayExpr`),
 * but for an empty list, which it joins onto one line, and a one-line list cannot hold a
 * multi-line element in the form this printer writes.
 */
function printList(list: readonly AlloyValue[], indent: number, where: string): string {
  const layout = listLayoutOf(list);
  if (list.length === 0) {
    if (layout === 'lines') {
      throw new Error(
        `alloy list ${where}: marked Layout.lines, but it is empty (got []); alloy fmt prints an empty list as [] on one line: ` +
        'leave out Layout.lines',
      );
    }
    return '[]';
  }
  const items = list.map((item, i) => printAt(item, indent + 1, `${where}[${i}]`));
  const inline = `[${items.join(', ')}]`;
  const tall = items.findIndex((item) => item.includes('\n'));
  if (layout === 'oneLine' && tall !== -1) {
    throw new Error(
      `alloy list ${where}: marked Layout.oneLine, but element ${tall} spans several lines (got ${JSON.stringify(items[tall].split('\n')[0] + ' ...')}); ` +
      'a one-line list holds one-line elements only (an object is printed over lines, and so is a list marked Layout.lines or longer than 80 characters): ' +
      'leave out Layout.oneLine, or mark the inner list Layout.oneLine',
    );
  }
  if (layout === 'oneLine' || (layout === undefined && tall === -1 && inline.length <= MAX_INLINE_LIST)) {
    return inline;
  }
  const tabs = '\t'.repeat(indent + 1);
  return `[\n${items.map((item) => `${tabs}${item},\n`).join('')}${'\t'.repeat(indent)}]`;
}

function printObject(object: AlloyObject, indent: number, where: string): string {
  const lines: string[] = [];
  const tabs = '\t'.repeat(indent + 1);
  let group: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) {
      continue;
    }
    const name = printKey(key);
    const text = printAt(value, indent + 1, isIdentifier(key) ? `${where}.${key}` : `${where}[${name}]`);
    group.push([name, text]);
    if (text.includes('\n')) {
      lines.push(...alignGroup(group, tabs, ','));
      group = [];
    }
  }
  lines.push(...alignGroup(group, tabs, ','));
  if (lines.length === 0) {
    return '{}';
  }
  return `{\n${lines.join('\n')}\n${'\t'.repeat(indent)}}`;
}

function printKey(key: string): string {
  if (isIdentifier(key)) {
    return key;
  }
  if (key.includes('\\')) {
    throw new Error(
      `alloy object: key ${JSON.stringify(key)} holds a backslash, which alloy fmt escapes twice; ` +
      'use a key without "\\"',
    );
  }
  return quote(key);
}
