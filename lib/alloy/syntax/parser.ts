/**
 * The parser of the Alloy syntax: turns text into a {@link SyntaxFile}.
 *
 * It follows the grammar and the error recovery of Alloy's own parser (grafana/alloy
 * `syntax/parser/internal.go` at v1.18.1), written anew: the same statements and expressions,
 * the same operator precedence (`||` < `&&` < comparisons < `+ -` < `* / %` < `^`, which is
 * right-associative; unary `!` and `-` bind tighter), the same messages at the same
 * positions, and at most one error per line. It never throws: {@link parseFile} returns the
 * tree and every diagnostic; {@link parseFileOrThrow} throws them all at once.
 */
import { Scanner, Token, TokenKind, isValidIdentifier } from './scanner';
import {
  ArrayExpr, BinaryOp, BlockStmt, UnaryOp, CommentGroup, CommentNode, ExprNode, Ident, LiteralExpr, ObjectExpr, ObjectField, Position,
  SourceFile, Stmt, SyntaxFile, formatPosition, startPos,
} from './tree';

/** A problem in a file, at the position Alloy reports it. */
export interface Diagnostic {
  readonly position: Position;
  readonly endPosition?: Position;
  readonly message: string;
}

/** What {@link parseFile} returns: the tree (to be discarded when there are diagnostics) and the problems. */
export interface ParseResult {
  readonly file: SyntaxFile;
  readonly diagnostics: readonly Diagnostic[];
}

/** A file that does not parse: every problem, one `file:line:col: message; how to fix it` per line. */
export class AlloySyntaxError extends Error {
  public constructor(public readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${formatPosition(d.position)}: ${explainSyntaxError(d.message)}`).join('\n'));
    this.name = 'AlloySyntaxError';
  }
}

/**
 * How to fix each problem the scanner and parser report, by the start of Alloy's message
 * (which is kept as Alloy words it, so it can be searched for).
 */
const SYNTAX_FIXES: ReadonlyArray<readonly [string, string]> = [
  ['expected expression', 'write a value here: a string, number, bool, null, list, object, name or call'],
  ["missing ',' in expression list", 'put a comma after every element of a list, the last one too when "]" is on a line of its own'],
  ["missing ',' in field list", 'put a comma after every field of an object, the last one too when "}" is on a line of its own'],
  ['expected TERMINATOR', 'end the statement: put the next one on a line of its own'],
  ['expected IDENT', 'write a name here: letters, digits and "_", not starting with a digit, not true, false or null'],
  ['expected block label,', 'write a block as name "label" { ... }, or an attribute as name = value'],
  ['expected attribute assignment or block body', 'write an attribute as name = value, or a block as name { ... }'],
  ['expected block body', 'open the block\'s body with "{" after its name and label'],
  ['expected block label to be a valid identifier', 'use letters, digits and "_" in a label, not starting with a digit (for example "my_label")'],
  ['expected block label to be a double quoted string', 'write the label in double quotes'],
  ['expected field name', 'write an object key as a name or a double-quoted string'],
  ['expected =', 'write an object field as key = value'],
  ['expected }', 'close every "{" with its "}"'],
  ['expected ]', 'close every "[" with its "]"'],
  ['expected )', 'close every "(" with its ")"'],
  ['attribute names may only consist', 'use a single name for an attribute, or add "{" if this is a block'],
  ['attribute names may not have labels', 'remove the label, or add "{" if this is a block'],
  ['cannot use a block as an expression', 'a block stands on its own line in a body; an attribute holds a value'],
  ['string literal not terminated', 'close the string with " on the same line; a `raw string` may span lines'],
  ['unknown escape sequence', 'write a backslash as \\\\; Alloy knows \\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\x, \\u, \\U and octal escapes'],
  ['escape sequence not terminated', 'finish the escape, or write the backslash as \\\\'],
  ['illegal character U+', ''],
  ['escape sequence is invalid Unicode code point', 'use a code point up to U+10FFFF, outside U+D800 to U+DFFF'],
  ['exponent has no digits', 'write digits after the "e", as in 1e3'],
  ['missing second |', 'write "||" for or'],
  ['missing second &', 'write "&&" for and'],
  ['block comment not terminated', 'close the comment with */'],
  ['illegal character NUL', 'remove the character; save the file as UTF-8 text'],
  ['illegal UTF-8 encoding', 'save the file as UTF-8 text'],
  ['illegal byte order mark', 'remove the byte order mark: one may only start the file'],
];

/**
 * A syntax problem as the CLI and {@link AlloySyntaxError} state it: Alloy's message, then how
 * to fix it.
 */
export function explainSyntaxError(message: string): string {
  let fix = SYNTAX_FIXES.find(([start]) => message.startsWith(start))?.[1];
  if (message.startsWith('illegal character U+')) {
    fix = message.endsWith('in escape sequence')
      ? '\\x takes 2 hexadecimal digits, \\u 4, \\U 8 and an octal escape 3 digits'
      : 'remove it: outside strings and comments Alloy reads names, numbers, strings, operators and brackets';
  }
  return fix === undefined || fix === '' || message.includes('; ') ? message : `${message}; ${fix}`;
}

/** Parses a whole file; `filename` is only used in positions. */
export function parseFile(text: string, filename = ''): ParseResult {
  const parser = new Parser(filename, text);
  const file = parser.parseFile();
  return { file, diagnostics: parser.diagnostics };
}

/** Parses a whole file and throws an {@link AlloySyntaxError} if it has any problem. */
export function parseFileOrThrow(text: string, filename = ''): SyntaxFile {
  const { file, diagnostics } = parseFile(text, filename);
  if (diagnostics.length > 0) {
    throw new AlloySyntaxError(diagnostics);
  }
  return file;
}

/** Parses a single expression, which must be the whole text. */
export function parseExpression(text: string): ExprNode {
  const parser = new Parser('', text);
  const expr = parser.parseExpression();
  parser.expect('TERMINATOR');
  if (parser.diagnostics.length > 0) {
    throw new AlloySyntaxError(parser.diagnostics);
  }
  return expr;
}

const PRECEDENCE: Partial<Record<TokenKind, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5,
  '^': 6,
};

const STATEMENT_END = new Set<TokenKind>(['TERMINATOR', ')', '}', ']', ',']);

class Parser {
  public readonly diagnostics: Diagnostic[] = [];
  private readonly source: SourceFile;
  private readonly scanner: Scanner;
  private readonly comments: CommentGroup[] = [];
  private tok: Token = { kind: 'EOF', pos: 0, text: '' };
  /** Line of the last error reported: a second error on the same line is dropped. */
  private lastErrorLine = 0;

  public constructor(filename: string, text: string) {
    this.source = new SourceFile(filename, text);
    this.scanner = new Scanner(text, (offset, message) => this.diagnostics.push({ position: this.source.position(offset), message }));
    this.next();
  }

  /** The current token's kind; a method, so the compiler does not narrow it across calls of next(). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  /** Moves to the next token that is not a comment, collecting comments into groups. */
  private next(): void {
    this.tok = this.scanner.scan();
    while (this.kind() === 'COMMENT') {
      this.consumeCommentGroup();
    }
  }

  private consumeCommentGroup(): void {
    const group: CommentNode[] = [];
    let endLine = this.source.line(this.tok.pos);
    while (this.kind() === 'COMMENT' && this.source.line(this.tok.pos) <= endLine + 1) {
      const comment = { pos: this.tok.pos, text: this.tok.text };
      endLine = this.source.line(this.tok.pos);
      if (comment.text[1] === '*') {
        endLine += (comment.text.match(/\n/g) ?? []).length;
      }
      group.push(comment);
      this.tok = this.scanner.scan();
    }
    this.comments.push(group);
  }

  private advance(to: TokenKind): void {
    while (this.kind() !== 'EOF' && this.kind() !== to) {
      this.next();
    }
  }

  private advanceAny(to: ReadonlySet<TokenKind>): void {
    while (this.kind() !== 'EOF' && !to.has(this.kind())) {
      this.next();
    }
  }

  /** Consumes the current token, reporting an error unless it is `kind`. */
  public expect(kind: TokenKind): Token {
    const tok = this.tok;
    if (tok.kind !== kind) {
      this.error(`expected ${kind}, got ${tok.kind}`);
    }
    this.next();
    return tok;
  }

  private error(message: string): void {
    const position = this.source.position(this.tok.pos);
    if (position.line === this.lastErrorLine) {
      return;
    }
    this.lastErrorLine = position.line;
    this.diagnostics.push({ position, message });
  }

  private report(start: number, end: number, message: string): void {
    this.diagnostics.push({ position: this.source.position(start), endPosition: this.source.position(end), message });
  }

  public parseFile(): SyntaxFile {
    const body = this.parseBody('EOF');
    return { source: this.source, body, comments: this.comments };
  }

  private parseBody(until: TokenKind): Stmt[] {
    const body: Stmt[] = [];
    while (this.kind() !== until && this.kind() !== 'EOF') {
      const stmt = this.parseStatement();
      if (stmt !== undefined) {
        body.push(stmt);
      }
      if (this.kind() === until) {
        break;
      }
      if (this.kind() !== 'TERMINATOR') {
        this.error(`expected TERMINATOR, got ${this.kind()}`);
        this.consumeStatement();
      }
      this.next();
    }
    return body;
  }

  /** Skips the rest of a statement, up to a terminator outside any brackets. */
  private consumeStatement(): void {
    let curly = 0;
    let brack = 0;
    let paren = 0;
    while (this.kind() !== 'EOF') {
      switch (this.kind()) {
        case '{': curly++; break;
        case '}': curly--; break;
        case '[': brack++; break;
        case ']': brack--; break;
        case '(': paren++; break;
        case ')': paren--; break;
      }
      if (this.kind() === 'TERMINATOR' && curly <= 0 && brack <= 0 && paren <= 0) {
        return;
      }
      this.next();
    }
  }

  private parseStatement(): Stmt | undefined {
    const name = this.parseBlockName();
    if (name === undefined) {
      this.advance('IDENT');
      return undefined;
    }
    switch (this.kind()) {
      case '=': {
        this.next();
        if (name.fragments.length !== 1) {
          const text = name.fragments.join('.');
          this.report(name.start, name.start + text.length - 1, 'attribute names may only consist of a single identifier with no "."');
        } else if (name.labelPos !== undefined) {
          this.report(name.labelPos, name.labelPos + (name.label ?? '').length + 1, 'attribute names may not have labels');
        }
        return { type: 'attribute', name: { name: name.fragments[0], pos: name.start }, value: this.parseExpression() };
      }
      case '{': {
        const lcurly = this.expect('{').pos;
        const body = this.parseBody('}');
        const rcurly = this.expect('}').pos;
        const block: BlockStmt = {
          type: 'block', name: name.fragments, namePos: name.start, label: name.label, labelPos: name.labelPos,
          body, lcurlyPos: lcurly, rcurlyPos: rcurly,
        };
        return block;
      }
      default:
        if (name.fragments.length === 1 && (name.label ?? '') === '') {
          this.error(`expected attribute assignment or block body, got ${this.kind()}`);
        } else {
          this.error(`expected block body, got ${this.kind()}`);
        }
        this.advance('IDENT');
        return undefined;
    }
  }

  private parseBlockName(): { fragments: string[]; start: number; label?: string; labelPos?: number } | undefined {
    if (this.kind() !== 'IDENT') {
      this.error(`expected IDENT, got ${this.kind()}`);
      return undefined;
    }
    const fragments = [this.tok.text];
    const start = this.tok.pos;
    this.next();
    while (this.kind() === '.') {
      this.next();
      if (this.kind() !== 'IDENT') {
        this.error(`expected IDENT, got ${this.kind()}`);
      }
      fragments.push(this.tok.text);
      this.next();
    }
    let label: string | undefined;
    let labelPos: number | undefined;
    if (this.kind() !== '=' && this.kind() !== '{') {
      if (this.kind() === 'STRING') {
        const text = this.tok.text;
        if (text[0] !== '"') {
          this.error(`expected block label to be a double quoted string, but got ${goQuote(text)}`);
        }
        if (text.length > 2) {
          label = text.slice(1, -1);
          if (!isValidIdentifier(label)) {
            this.error(`expected block label to be a valid identifier, but got ${goQuote(label)}`);
          }
        } else {
          label = '';
        }
        labelPos = this.tok.pos;
      } else {
        this.error(`expected block label, got ${this.kind()}`);
      }
      this.next();
    }
    return { fragments, start, label, labelPos };
  }

  /** Expression = the binary operators, lowest precedence first. */
  public parseExpression(): ExprNode {
    return this.parseBinary(1);
  }

  private parseBinary(minPrecedence: number): ExprNode {
    let left = this.parsePow();
    for (;;) {
      const tok = this.tok;
      const precedence = PRECEDENCE[tok.kind] ?? 0;
      if (precedence < minPrecedence) {
        return left;
      }
      this.next();
      const right = this.parseBinary(precedence + 1);
      left = { type: 'binary', op: tok.kind as BinaryOp, opPos: tok.pos, left, right };
    }
  }

  private parsePow(): ExprNode {
    const left = this.parseUnary();
    if (this.kind() === '^') {
      const opPos = this.tok.pos;
      this.next();
      return { type: 'binary', op: '^', opPos, left, right: this.parsePow() };
    }
    return left;
  }

  private parseUnary(): ExprNode {
    if (this.kind() === '!' || this.kind() === '-') {
      const { kind, pos } = this.tok;
      this.next();
      return { type: 'unary', op: kind as UnaryOp, opPos: pos, value: this.parseUnary() };
    }
    let primary = this.parsePrimary();
    for (;;) {
      switch (this.kind()) {
        case '.': {
          this.next();
          const name = this.expect('IDENT');
          primary = { type: 'access', value: primary, name: { name: name.text, pos: name.pos } };
          break;
        }
        case '[': {
          const lbrack = this.expect('[').pos;
          const index = this.parseExpression();
          const rbrack = this.expect(']').pos;
          primary = { type: 'index', value: primary, index, lbrackPos: lbrack, rbrackPos: rbrack };
          break;
        }
        case '(': {
          const lparen = this.expect('(').pos;
          const args = this.kind() !== ')' ? this.parseExpressionList(')') : [];
          const rparen = this.expect(')').pos;
          primary = { type: 'call', value: primary, args, lparenPos: lparen, rparenPos: rparen };
          break;
        }
        case 'STRING':
        case '{': {
          // Someone assigned a block to an attribute: parse it as one to say so.
          if (this.kind() === 'STRING') {
            this.next();
          }
          if (this.expect('{').kind !== '{') {
            this.consumeStatement();
            return primary;
          }
          this.parseBody('}');
          const end = this.expect('}');
          if (end.kind !== '}') {
            this.consumeStatement();
            return primary;
          }
          this.report(startPos(primary), end.pos, 'cannot use a block as an expression');
          break;
        }
        default:
          return primary;
      }
    }
  }

  private parsePrimary(): ExprNode {
    const tok = this.tok;
    switch (tok.kind) {
      case 'IDENT':
        this.next();
        return { type: 'identifier', ident: { name: tok.text, pos: tok.pos } };
      case 'STRING':
      case 'NUMBER':
      case 'FLOAT':
      case 'BOOL':
      case 'NULL':
        this.next();
        return { type: 'literal', kind: tok.kind, pos: tok.pos, text: tok.text };
      case '(': {
        const lparen = this.expect('(').pos;
        const inner = this.parseExpression();
        const rparen = this.expect(')').pos;
        return { type: 'paren', inner, lparenPos: lparen, rparenPos: rparen };
      }
      case '[': {
        const lbrack = this.expect('[').pos;
        const elements = this.kind() !== ']' ? this.parseExpressionList(']') : [];
        const rbrack = this.expect(']').pos;
        const array: ArrayExpr = { type: 'array', elements, lbrackPos: lbrack, rbrackPos: rbrack };
        return array;
      }
      case '{': {
        const lcurly = this.expect('{').pos;
        const fields = this.parseFieldList('}');
        const rcurly = this.expect('}').pos;
        const object: ObjectExpr = { type: 'object', fields, lcurlyPos: lcurly, rcurlyPos: rcurly };
        return object;
      }
    }
    this.error(`expected expression, got ${tok.kind}`);
    const placeholder: LiteralExpr = { type: 'literal', kind: 'NULL', pos: tok.pos, text: 'null' };
    this.advanceAny(STATEMENT_END);
    return placeholder;
  }

  private parseExpressionList(until: TokenKind): ExprNode[] {
    return this.parseList(until, () => this.parseExpression(), "missing ',' in expression list");
  }

  private parseFieldList(until: TokenKind): ObjectField[] {
    return this.parseList(until, () => this.parseField(), "missing ',' in field list");
  }

  /** Items separated by commas up to `until`, a trailing comma allowed. */
  private parseList<T>(until: TokenKind, item: () => T, missingComma: string): T[] {
    const items: T[] = [];
    while (this.kind() !== until && this.kind() !== 'EOF') {
      items.push(item());
      if (this.kind() === until) {
        break;
      }
      if (this.kind() !== ',') {
        this.error(missingComma);
      }
      this.next();
    }
    return items;
  }

  private parseField(): ObjectField {
    let name: Ident = { name: '', pos: this.tok.pos };
    let quoted = false;
    if (this.kind() === 'STRING' || this.kind() === 'IDENT') {
      name = { name: this.tok.text, pos: this.tok.pos };
      if (this.kind() === 'STRING' && this.tok.text.length > 2) {
        name = { name: this.tok.text.slice(1, -1), pos: this.tok.pos };
        quoted = true;
      }
      this.next();
    } else {
      this.error(`expected field name (string or identifier), got ${this.kind()}`);
      this.advance('=');
    }
    this.expect('=');
    return { name, quoted, value: this.parseExpression() };
  }
}

/** Go's `%q` of a string, as Alloy's messages quote values. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/**
 * The value of a literal: strings unescaped (raw strings as written), numbers as JavaScript
 * numbers, booleans and null. The literal must have scanned without errors.
 */
export function decodeLiteral(literal: LiteralExpr): string | number | boolean | null {
  switch (literal.kind) {
    case 'NULL':
      return null;
    case 'BOOL':
      return literal.text === 'true';
    case 'NUMBER':
    case 'FLOAT':
      return Number(literal.text);
    case 'STRING':
      return literal.text.startsWith('`') ? literal.text.slice(1, -1) : unquote(literal.text);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

/**
 * Unescapes a double-quoted string literal with Go's escapes: `\x` and octal escapes are
 * bytes, `\u` and `\U` code points, and the bytes are read as UTF-8, as Go's strings are.
 */
export function unquote(text: string): string {
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      const code = body.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      if (code > 0xffff) {
        i++;
      }
      continue;
    }
    const e = body[++i];
    if (SIMPLE_ESCAPES[e] !== undefined) {
      bytes.push(SIMPLE_ESCAPES[e]);
    } else if (e >= '0' && e <= '7') {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else if (e === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const digits = e === 'u' ? 4 : 8;
      bytes.push(...Buffer.from(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + digits), 16)), 'utf8'));
      i += digits;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
