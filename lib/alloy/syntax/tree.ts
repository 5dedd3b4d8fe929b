/**
 * The syntax tree of an Alloy file as it was written: what the parser returns.
 *
 * It follows the node kinds of Alloy's own parser (grafana/alloy `syntax/ast/ast.go` at
 * v1.18.1), so it keeps what a value model cannot: where each node stands, literals as they
 * were spelled (raw strings, `1e3`), parentheses, and comments. The formatter prints it as
 * `alloy fmt` does; `toStatements` turns it into the value model the canonical printer prints.
 *
 * Positions are offsets into the source text (UTF-16 code units); {@link SourceFile} turns one
 * into the `line:col` Alloy reports, where the column counts UTF-8 bytes from 1.
 */

/** A whole file: its statements and every comment in it, in order. */
export interface SyntaxFile {
  readonly source: SourceFile;
  readonly body: readonly Stmt[];
  /** Groups of comments on adjacent lines, in source order. */
  readonly comments: readonly CommentGroup[];
}

/** A `//` or `/* *\/` comment; `text` includes the delimiters. */
export interface CommentNode {
  readonly pos: number;
  readonly text: string;
}

/** Comments on adjacent lines, with no token between them. */
export type CommentGroup = readonly CommentNode[];

export type Stmt = AttributeStmt | BlockStmt;

/** `name = value` */
export interface AttributeStmt {
  readonly type: 'attribute';
  readonly name: Ident;
  readonly value: ExprNode;
}

/** `a.b.c "label" { body }` */
export interface BlockStmt {
  readonly type: 'block';
  /** The dotted name's parts. */
  readonly name: readonly string[];
  readonly namePos: number;
  /** The label without its quotes; undefined when there is none. */
  readonly label?: string;
  readonly labelPos?: number;
  readonly body: readonly Stmt[];
  readonly lcurlyPos: number;
  readonly rcurlyPos: number;
}

/** A name and where it stands. */
export interface Ident {
  readonly name: string;
  readonly pos: number;
}

export type ExprNode =
  | IdentifierExpr
  | LiteralExpr
  | ArrayExpr
  | ObjectExpr
  | AccessExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr;

/** A bare name: `prometheus`, the first part of `otelcol.exporter.otlp.default.input`. */
export interface IdentifierExpr {
  readonly type: 'identifier';
  readonly ident: Ident;
}

/** The kinds of literal, as Alloy's scanner names their tokens. */
export type LiteralKind = 'STRING' | 'NUMBER' | 'FLOAT' | 'BOOL' | 'NULL';

/** A literal exactly as written: `"a\tb"`, `` `raw` ``, `1e3`, `true`, `null`. */
export interface LiteralExpr {
  readonly type: 'literal';
  readonly kind: LiteralKind;
  readonly pos: number;
  /** The source text of the literal, quotes and escapes included. */
  readonly text: string;
}

/** `[a, b]` */
export interface ArrayExpr {
  readonly type: 'array';
  readonly elements: readonly ExprNode[];
  readonly lbrackPos: number;
  readonly rbrackPos: number;
}

/** `{ a = 1, "b.c" = 2 }` */
export interface ObjectExpr {
  readonly type: 'object';
  readonly fields: readonly ObjectField[];
  readonly lcurlyPos: number;
  readonly rcurlyPos: number;
}

/** One field of an object; a quoted key keeps its text between the quotes unescaped, as Alloy does. */
export interface ObjectField {
  readonly name: Ident;
  readonly quoted: boolean;
  readonly value: ExprNode;
}

/** `value.name` */
export interface AccessExpr {
  readonly type: 'access';
  readonly value: ExprNode;
  readonly name: Ident;
}

/** `value[index]` */
export interface IndexExpr {
  readonly type: 'index';
  readonly value: ExprNode;
  readonly index: ExprNode;
  readonly lbrackPos: number;
  readonly rbrackPos: number;
}

/** `value(args...)` */
export interface CallExpr {
  readonly type: 'call';
  readonly value: ExprNode;
  readonly args: readonly ExprNode[];
  readonly lparenPos: number;
  readonly rparenPos: number;
}

/** The operators of Alloy's syntax. */
export type UnaryOp = '!' | '-';
export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';

/** `!value`, `-value` */
export interface UnaryExpr {
  readonly type: 'unary';
  readonly op: UnaryOp;
  readonly opPos: number;
  readonly value: ExprNode;
}

/** `left op right` */
export interface BinaryExpr {
  readonly type: 'binary';
  readonly op: BinaryOp;
  readonly opPos: number;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

/** `(inner)` */
export interface ParenExpr {
  readonly type: 'paren';
  readonly inner: ExprNode;
  readonly lparenPos: number;
  readonly rparenPos: number;
}

/** A `line:col` in a file; the column counts UTF-8 bytes from 1, as Alloy's do. */
export interface Position {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
}

/** Formats a position as Alloy does: `file:line:col`, or `line:col` without a file name. */
export function formatPosition(position: Position): string {
  const at = `${position.line}:${position.column}`;
  return position.filename === '' ? at : `${position.filename}:${at}`;
}

/** The text of a file and where its lines start, to turn offsets into positions. */
export class SourceFile {
  private readonly lineStarts: number[] = [0];

  public constructor(public readonly filename: string, public readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.lineStarts.push(i + 1);
    }
  }

  /** The 1-based line of an offset. */
  public line(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  }

  /** The position of an offset: its line, and its column in UTF-8 bytes from 1. */
  public position(offset: number): Position {
    const line = this.line(offset);
    const start = this.lineStarts[line - 1];
    return { filename: this.filename, line, column: Buffer.byteLength(this.text.slice(start, offset), 'utf8') + 1 };
  }
}

/** Where a node starts. */
export function startPos(node: ExprNode | Stmt): number {
  switch (node.type) {
    case 'attribute':
      return node.name.pos;
    case 'block':
      return node.namePos;
    case 'identifier':
      return node.ident.pos;
    case 'literal':
      return node.pos;
    case 'array':
      return node.lbrackPos;
    case 'object':
      return node.lcurlyPos;
    case 'access':
    case 'index':
    case 'call':
      return startPos(node.value);
    case 'unary':
      return node.opPos;
    case 'binary':
      return startPos(node.left);
    case 'paren':
      return node.lparenPos;
  }
}

/** Where a node ends: the offset just past its last character. */
export function endPos(node: ExprNode | Stmt): number {
  switch (node.type) {
    case 'attribute':
      return endPos(node.value);
    case 'block':
      return node.rcurlyPos + 1;
    case 'identifier':
      return node.ident.pos + node.ident.name.length;
    case 'literal':
      return node.pos + node.text.length;
    case 'array':
      return node.rbrackPos + 1;
    case 'object':
      return node.rcurlyPos + 1;
    case 'access':
      return node.name.pos + node.name.name.length;
    case 'index':
      return node.rbrackPos + 1;
    case 'call':
      return node.rparenPos + 1;
    case 'unary':
      return endPos(node.value);
    case 'binary':
      return endPos(node.right);
    case 'paren':
      return node.rparenPos + 1;
  }
}
