/**
 * The canonical printer: turns statements into text byte-identical to what `alloy fmt`
 * (Alloy v1.18) prints for it. The rules it follows are listed in docs/alloy-format.md.
 */
import type { Statement } from './ast';
import { assertDottedName, assertIdentifier, isIdentifier } from './identifiers';
import { quote } from './quote';
import { AlloyObject, AlloyValue, Binary, Call, ExportRef, Expr, Index, Reference, Unary, isAlloyObject, listLayoutOf, objectLayoutOf, quotedKeysOf } from './value';

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

/**
 * Lines `name = value` with the `=` of the whole group in one column, as alloy fmt's tabwriter
 * aligns them. The group is a run of lines alloy fmt joins with plain line breaks: one-line
 * values, and the first line of a multi-line value that ends the run. A one-line object
 * (`Layout.oneLine`) marks each of its fields' `=` with a soft tab (`\v`, see {@link CELL}),
 * which is a column of its own: one-line objects on consecutive lines of a run get their inner
 * `=` aligned too (docs/alloy-format.md, "Known formatter quirks"), which {@link alignCells} does.
 */
function alignGroup(group: ReadonlyArray<[string, string]>, tabs: string, suffix: string): string[] {
  const firsts = group.map(([name, value]) => {
    const end = value.indexOf('\n');
    return `${name}${CELL}= ${end === -1 ? value + suffix : value.slice(0, end)}`;
  });
  return alignCells(firsts).map((line, i) => {
    const value = group[i][1];
    const end = value.indexOf('\n');
    return `${tabs}${line}${end === -1 ? '' : value.slice(end) + suffix}`;
  });
}

/**
 * The cell separator of a printed value's first line: a soft tab before each `=` of a one-line
 * object's fields, which the enclosing run of lines aligns ({@link alignGroup}) and a line of its
 * own resolves to one blank ({@link lone}). Only the first line of a printed value holds any: a
 * quoted string writes `\v` escaped, and the later lines of a value are resolved where they are made.
 */
const CELL = '\v';

/** A line alone in its run: each cell padded by one blank, as the tabwriter pads a column of one cell. */
function lone(text: string): string {
  return text.replace(/\v/g, ' ');
}

/** `text` with the cells of every line but the first resolved (those lines stand alone in their runs). */
function settleTail(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end) + lone(text.slice(end));
}

/**
 * Go's `text/tabwriter` over one run of lines (no form feed inside), for cells ended by {@link CELL}:
 * a column is the cells at one index on consecutive lines that have a cell there (the line's last
 * text is never a cell), padded to the widest plus one blank.
 */
function alignCells(lines: readonly string[]): string[] {
  const cells = lines.map((line) => line.split(CELL));
  const out = cells.map(() => '');
  const format = (from: number, to: number, column: number): void => {
    let i = from;
    while (i < to) {
      if (column >= cells[i].length - 1) {
        out[i] += cells[i][column];
        i++;
        continue;
      }
      let end = i;
      let width = 0;
      while (end < to && column < cells[end].length - 1) {
        width = Math.max(width, codePoints(cells[end][column]) + 1);
        end++;
      }
      for (let j = i; j < end; j++) {
        out[j] += cells[j][column] + ' '.repeat(width - codePoints(cells[j][column]));
      }
      format(i, end, column + 1);
      i = end;
    }
  };
  format(0, lines.length, 0);
  return out;
}

function codePoints(text: string): number {
  return [...text].length;
}

/**
 * Prints a value as it stands after `name = ` on a line indented by `indent` tabs.
 * Multi-line values (objects, long lists) contain newlines and indent their inner lines.
 */
export function printValue(value: AlloyValue, indent: number): string {
  return lone(printAt(value, indent, 'value'));
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
    return settleTail(`${expr.fn}(${expr.args.map((arg, i) => printAt(arg, indent, `${where} > ${expr.fn}(#${i + 1})`)).join(', ')})`);
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
  // each element's line stands alone in alloy fmt's tabwriter: a form feed before and after it
  return `[\n${items.map((item) => `${tabs}${lone(item)},\n`).join('')}${'\t'.repeat(indent)}]`;
}

function printObject(object: AlloyObject, indent: number, where: string): string {
  const quoted = quotedKeysOf(object);
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) {
      continue;
    }
    const name = printKey(key, quoted?.has(key) ?? false);
    fields.push([name, printAt(value, indent + 1, isIdentifier(key) ? `${where}.${key}` : `${where}[${name}]`)]);
  }
  if (fields.length === 0) {
    return '{}';
  }
  if (objectLayoutOf(object) === 'oneLine') {
    const tall = fields.find(([, text]) => text.includes('\n'));
    if (tall !== undefined) {
      throw new Error(
        `alloy object ${where}: marked Layout.oneLine, but field ${tall[0]} spans several lines (got ${JSON.stringify(tall[1].split('\n')[0] + ' ...')}); ` +
        'a one-line object holds one-line values only (an object not marked Layout.oneLine is printed over lines, and so is a list marked Layout.lines or longer than 80 characters): ' +
        'leave out Layout.oneLine, or mark the inner value Layout.oneLine',
      );
    }
    // alloy fmt writes a soft tab before each `=` (walkObjectExpr): cells the enclosing run aligns
    return `{${fields.map(([name, text]) => `${name}${CELL}= ${text}`).join(', ')}}`;
  }
  const lines: string[] = [];
  const tabs = '\t'.repeat(indent + 1);
  let group: Array<[string, string]> = [];
  for (const field of fields) {
    group.push(field);
    if (field[1].includes('\n')) {
      lines.push(...alignGroup(group, tabs, ','));
      group = [];
    }
  }
  lines.push(...alignGroup(group, tabs, ','));
  return `{\n${lines.join('\n')}\n${'\t'.repeat(indent)}}`;
}

function printKey(key: string, quoted: boolean): string {
  if (isIdentifier(key) && !quoted) {
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
