/**
 * The formatter: prints a parsed file (a {@link SyntaxFile}, comments and layout included)
 * byte-identical to what `alloy fmt` (Alloy v1.18.1) prints for it.
 *
 * Alloy's printer (grafana/alloy `syntax/printer/`) works in three stages, and so does this one,
 * written anew from their behaviour:
 *
 * 1. A walk over the tree (`walker.go`) emits tokens and whitespace *requests*: a blank, a soft
 *    tab before `=` (the alignment column), a newline, a form feed (a newline that also ends the
 *    alignment run), indent and unindent. Requests wait in a buffer until the next token.
 * 2. The emitter (`printer.go`) writes each token, first injecting every comment that starts
 *    before it in the source: a comment on the same line as the last token gets a tab (an
 *    alignment column for trailing comments), one on a later line keeps up to one blank line,
 *    and the pending whitespace requests are partly dropped around comments. Where the walk
 *    gives no source position for a token (`.`, `=`, `,`, call and group parentheses), the
 *    position is estimated as the end of the previous token, exactly as Alloy estimates it.
 * 3. Elastic tabstops and trimming ({@link TabWriter}, Go's `text/tabwriter` + `trimmer.go`).
 *
 * The quirks this reproduces on purpose, since the point is to print what `alloy fmt` prints,
 * are listed in docs/alloy-format.md and docs/cli-fmt.md.
 */
import { parseFileOrThrow } from './parser';
import { quote } from './quote';
import { TabWriter } from './tabwriter';
import { ArrayExpr, BlockStmt, CallExpr, CommentGroup, CommentNode, Ident, ExprNode, ObjectExpr, SourceFile, Stmt, SyntaxFile, endPos, startPos } from './tree';

/** Prints a parsed file as `alloy fmt` does; the text ends in one newline. */
export function formatFile(file: SyntaxFile): string {
  const places = new Places(file.source);
  const emitter = new Emitter(file, places);
  new Walker(emitter, places).statements(file.body);
  return emitter.finish() + '\n';
}

/**
 * Parses and prints a file as `alloy fmt` does.
 *
 * @throws AlloySyntaxError when the text does not parse, as `alloy fmt` refuses such a file
 */
export function formatSource(text: string, filename = ''): string {
  return formatFile(parseFileOrThrow(text, filename));
}

/** A place in the source, as the emitter tracks it: a UTF-8 byte offset and a line. */
interface Place {
  readonly offset: number;
  readonly line: number;
}

/** Whitespace requests (the walker's) waiting for the next token; `skip` is one that was dropped. */
type Space = 'skip' | 'blank' | 'vtab' | 'newline' | 'formfeed' | 'indent' | 'unindent';

const SPACE_TEXT: Partial<Record<Space, string>> = { blank: ' ', vtab: '\v', newline: '\n', formfeed: '\f' };

/** How many whitespace requests may wait; more are written out first (Alloy's buffer size). */
const SPACE_BUFFER = 16;

/** At most this many line breaks in a row: one blank line. */
const MAX_NEWLINES = 2;

/** What kind of token was written last, for the two pairs that would merge when read back. */
type LastToken = 'space' | 'number' | '/' | 'other';

/** Byte offsets and lines of a source file's UTF-16 offsets. */
class Places {
  private readonly bytes: Int32Array;

  public constructor(private readonly source: SourceFile) {
    const text = source.text;
    this.bytes = new Int32Array(text.length + 1);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      this.bytes[i] = n;
      const c = text.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
    }
    this.bytes[text.length] = n;
  }

  public at(offset: number): Place {
    return { offset: this.bytes[offset], line: this.source.line(offset) };
  }

  public line(offset: number): number {
    return this.source.line(offset);
  }

  /**
   * The line of the character `n` UTF-8 bytes after the one at `offset`: how Alloy finds where a
   * node ends, counting the bytes of its text from its start (`ast.EndPos`).
   */
  public lineAfterBytes(offset: number, n: number): number {
    const target = this.bytes[offset] + n;
    let i = offset;
    while (i < this.source.text.length && this.bytes[i + 1] <= target) {
      i++;
    }
    return this.source.line(i);
  }

  /** The line of a comment's last character, as Alloy reckons it: its start plus its length in bytes. */
  public commentEndLine(c: CommentNode): number {
    return this.lineAfterBytes(c.pos, byteLength(c.text) - 1);
  }

  /** The line of a name's last character, as Alloy reckons it: its start plus its length in bytes. */
  public nameEndLine(name: Ident): number {
    return this.lineAfterBytes(name.pos, byteLength(name.name) - 1);
  }

  /** The line of a node's last character (Alloy's `EndPos`). */
  public endLine(node: ExprNode | Stmt): number {
    return this.source.line(endPos(node) - 1);
  }

  public startLine(node: ExprNode | Stmt): number {
    return this.source.line(startPos(node));
  }
}

/** The byte length of text in UTF-8. */
function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Counts the line breaks (`\n` and `\f`) in text. */
function lineBreaks(text: string): number {
  let n = 0;
  for (const ch of text) {
    if (ch === '\n' || ch === '\f') {
      n++;
    }
  }
  return n;
}

/** Writes tokens, whitespace and the comments between them; stage 2 of the file comment. */
class Emitter {
  private readonly tabs = new TabWriter();
  /** Groups of comments on adjacent lines; a group is written whole once its first comment is due. */
  private readonly groups: CommentGroup[];
  private nextGroup = 0;
  /** The byte offset of the next group's first comment; Infinity when none is left. */
  private nextGroupOffset = Infinity;
  private spaces: Space[] = [];
  private indent = 0;
  private lastToken: LastToken = 'other';
  private wroteAny = false;
  /** Where the next token stands in the source, given or estimated. */
  private place: Place = { offset: 0, line: 1 };
  /** The source place just past the last text written; undefined before any. */
  private last: Place | undefined;
  /** Whether the output is at the start of a line (indentation not yet written). */
  private lineStart = true;

  public constructor(file: SyntaxFile, private readonly places: Places) {
    this.groups = file.comments.filter((g) => g.length > 0);
    this.advanceGroup(0);
  }

  /** Moves the source position to a node's known offset. */
  public at(offset: number): this {
    this.place = this.places.at(offset);
    return this;
  }

  public space(...spaces: Space[]): this {
    for (const s of spaces) {
      if (s === 'skip') {
        continue;
      }
      if (this.spaces.length === SPACE_BUFFER) {
        this.writeSpaces(this.spaces.length);
      }
      this.spaces.push(s);
      this.lastToken = 'space';
    }
    return this;
  }

  /** Writes a name, a literal or a punctuation token. */
  public token(text: string, kind: LastToken = 'other', punctuation = false): this {
    // `1.` would read back as one number, `/*` as a comment: keep them apart.
    if (punctuation && ((this.lastToken === 'number' && text[0] === '.') || (this.lastToken === '/' && text[0] === '*'))) {
      this.spaces.push('blank');
    }
    this.lastToken = kind;
    const next = this.place;
    this.flush(next, false);
    this.writeText(next, text, false);
    return this;
  }

  /** Writes the comments left and returns the printed text, before the final newline. */
  public finish(): string {
    this.flush({ offset: Number.MAX_SAFE_INTEGER, line: Number.MAX_SAFE_INTEGER }, true);
    return this.tabs.finish();
  }

  private commentBefore(next: Place): boolean {
    return this.nextGroupOffset <= next.offset;
  }

  private advanceGroup(to: number): void {
    this.nextGroup = to;
    const group = this.groups[to];
    this.nextGroupOffset = group === undefined ? Infinity : this.places.at(group[0].pos).offset;
  }

  /** Writes the comments that come before `next`, or else the pending whitespace. */
  private flush(next: Place, atEnd: boolean): void {
    if (!this.commentBefore(next)) {
      if (!atEnd) {
        this.writeSpaces(this.spaces.length);
      }
      return;
    }
    let lastComment: CommentNode | undefined;
    while (this.commentBefore(next)) {
      for (const c of this.groups[this.nextGroup]) {
        this.beforeComment(next, c);
        this.writeText(this.places.at(c.pos), c.text, true);
        lastComment = c;
      }
      this.advanceGroup(this.nextGroup + 1);
    }
    if (!atEnd) {
      this.afterComments(next, lastComment!);
    }
  }

  /** The whitespace before a comment (Alloy's `writeCommentPrefix`). */
  private beforeComment(next: Place, c: CommentNode): void {
    if (!this.wroteAny) {
      return;
    }
    const line = this.places.at(c.pos).line;
    if (this.last !== undefined && line === this.last.line) {
      // A trailing comment: a tab makes it a column of its own, so comments on consecutive
      // lines align. A block comment with the next token on its line gets a blank instead.
      this.writeChar(line === next.line ? ' ' : '\t', 1);
      return;
    }
    // On a line of its own: apply the indentation changes waiting before the first blank or
    // line break, drop that one, and keep at most one blank line from the source.
    const first = this.spaces.findIndex((s) => s !== 'indent' && s !== 'unindent');
    if (first !== -1) {
      this.spaces[first] = 'skip';
      this.writeSpaces(first);
    }
    const newlines = this.last === undefined ? 0 : line - this.last.line;
    if (newlines > 0) {
      this.writeChar('\f', Math.min(newlines, MAX_NEWLINES));
    }
  }

  /** The whitespace between the last comment and the next token (Alloy's `writeCommentSuffix`). */
  private afterComments(next: Place, lastComment: CommentNode): void {
    const last = this.last!;
    if (lastComment.text[1] === '*' && next.line === this.places.commentEndLine(lastComment)) {
      this.writeChar(' ', 1);
    }
    const newlines = next.line - last.line;
    let droppedFormfeed = false;
    this.spaces = this.spaces.map((s) => {
      if (s === 'indent' || s === 'unindent') {
        return s;
      }
      droppedFormfeed ||= s === 'formfeed';
      return 'skip';
    });
    this.writeSpaces(this.spaces.length);
    if (newlines > 0) {
      this.writeChar(droppedFormfeed ? '\f' : '\n', Math.min(newlines, MAX_NEWLINES));
    }
  }

  /** Writes the first `n` pending whitespace requests. */
  private writeSpaces(n: number): void {
    for (let i = 0; i < n; i++) {
      const s = this.spaces[i];
      if (s === 'indent') {
        this.indent++;
      } else if (s === 'unindent') {
        this.indent--;
      } else if (s !== 'skip') {
        this.writeChar(SPACE_TEXT[s]!, 1);
      }
    }
    this.spaces.splice(0, n);
  }

  /** Writes a token or comment standing at `place` in the source; comments are escaped. */
  private writeText(place: Place, text: string, escaped: boolean): void {
    this.writeIndent();
    if (escaped) {
      this.tabs.writeEscaped(text);
    } else {
      this.tabs.write(text);
    }
    this.wroteAny = true;
    const breaks = lineBreaks(text);
    this.place = { offset: place.offset + byteLength(text), line: place.line + breaks };
    if (breaks > 0) {
      this.lineStart = /[\n\f]$/.test(text);
    } else if (text !== '') {
      this.lineStart = false;
    }
    this.last = this.place;
  }

  /** Writes a whitespace character `n` times. */
  private writeChar(ch: string, n: number): void {
    this.writeIndent();
    this.tabs.write(ch.repeat(n));
    this.wroteAny = true;
    const breaks = ch === '\n' || ch === '\f';
    this.place = { offset: this.place.offset + n, line: this.place.line + (breaks ? n : 0) };
    this.lineStart = breaks;
  }

  private writeIndent(): void {
    if (this.lineStart && this.indent > 0) {
      this.tabs.write('\t'.repeat(this.indent));
      this.place = { offset: this.place.offset + this.indent, line: this.place.line };
      this.lineStart = false;
    }
  }
}

/** Walks the tree and sends tokens and whitespace to the emitter; stage 1 of the file comment. */
class Walker {
  public constructor(private readonly p: Emitter, private readonly places: Places) {}

  /** A body: blocks apart by a blank line, blank lines of the source kept (`walkStmts`). */
  public statements(body: readonly Stmt[]): void {
    body.forEach((s, i) => {
      if (i > 0 && (s.type === 'block' || this.places.startLine(s) - this.places.endLine(body[i - 1]) > 1)) {
        this.p.space('formfeed');
      }
      if (s.type === 'attribute') {
        this.p.at(s.name.pos).token(s.name.name).space('vtab').token('=', 'other', true).space('blank');
        this.expr(s.value);
      } else {
        this.block(s);
      }
      // A statement over several lines ends the alignment run.
      this.p.space(this.lines(s) > 1 ? 'formfeed' : 'newline');
    });
  }

  private lines(node: ExprNode | Stmt): number {
    return this.places.endLine(node) - this.places.startLine(node) + 1;
  }

  private differentLines(a: number, b: number): boolean {
    return this.places.line(a) !== this.places.line(b);
  }

  private block(s: BlockStmt): void {
    this.p.at(s.namePos).token(s.name.join('.'));
    if (s.label) {
      this.p.space('blank').at(s.labelPos!).token(quote(s.label));
    }
    this.p.space('blank').at(s.lcurlyPos).token('{', 'other', true).space('indent');
    if (s.body.length > 0) {
      this.p.space('formfeed');
      this.statements(s.body);
    } else {
      this.p.space('blank');
    }
    this.p.space('unindent').at(s.rcurlyPos).token('}', 'other', true);
  }

  private expr(e: ExprNode): void {
    switch (e.type) {
      case 'literal':
        this.p.at(e.pos).token(e.text, e.kind === 'NUMBER' ? 'number' : 'other');
        return;
      case 'identifier':
        this.p.at(e.ident.pos).token(e.ident.name);
        return;
      case 'array':
        return this.array(e);
      case 'object':
        return this.object(e);
      case 'access':
        this.expr(e.value);
        this.p.token('.', 'other', true).token(e.name.name);
        return;
      case 'index':
        this.expr(e.value);
        this.p.at(e.lbrackPos).token('[', 'other', true);
        this.expr(e.index);
        this.p.at(e.rbrackPos).token(']', 'other', true);
        return;
      case 'call':
        return this.call(e);
      case 'unary':
        this.p.at(e.opPos).token(e.op, 'other', true);
        this.expr(e.value);
        return;
      case 'binary':
        this.expr(e.left);
        this.p.space('blank').at(e.opPos).token(e.op, e.op === '/' ? '/' : 'other', true).space('blank');
        this.expr(e.right);
        return;
      case 'paren':
        this.p.token('(', 'other', true);
        this.expr(e.inner);
        this.p.token(')', 'other', true);
        return;
    }
  }

  /** Elements stay on the lines the source put them on; a multi-line list ends in `,` (`walkArrayExpr`). */
  private array(e: ArrayExpr): void {
    this.p.at(e.lbrackPos).token('[', 'other', true);
    let prev = e.lbrackPos;
    e.elements.forEach((el, i) => {
      // The indent comes before the line break, so comments written at the break are indented.
      const ownLine = this.differentLines(prev, startPos(el));
      if (ownLine) {
        this.p.space('indent', 'formfeed');
      } else if (i > 0) {
        this.p.space('blank');
      }
      prev = endPos(el) - 1;
      this.expr(el);
      if (i + 1 < e.elements.length) {
        this.p.token(',', 'other', true);
      }
      if (ownLine) {
        this.p.space('unindent');
      }
    });
    if (e.elements.length > 0 && this.differentLines(prev, e.rbrackPos)) {
      this.p.token(',', 'other', true).space('indent', 'formfeed', 'unindent');
    }
    this.p.at(e.rbrackPos).token(']', 'other', true);
  }

  /** Fields on consecutive one-line rows align their `=`; a multi-line object ends in `,` (`walkObjectExpr`). */
  private object(e: ObjectExpr): void {
    this.p.at(e.lcurlyPos).token('{', 'other', true).space('indent');
    let prevLine = this.places.line(e.lcurlyPos);
    e.fields.forEach((field, i) => {
      if (prevLine !== this.places.line(field.name.pos)) {
        this.p.space(i > 0 && this.lines(e.fields[i - 1].value) === 1 ? 'newline' : 'formfeed');
      } else if (i > 0) {
        this.p.space('blank');
      }
      prevLine = this.places.nameEndLine(field.name);
      this.p.at(field.name.pos).token(field.quoted ? quote(field.name.name) : field.name.name, 'other');
      this.p.space('vtab').token('=', 'other', true).space('blank');
      this.expr(field.value);
      if (i + 1 < e.fields.length) {
        this.p.token(',', 'other', true);
      }
    });
    if (e.fields.length > 0 && prevLine !== this.places.line(e.rcurlyPos)) {
      this.p.token(',', 'other', true).space('formfeed');
    }
    this.p.space('unindent').at(e.rcurlyPos).token('}', 'other', true);
  }

  /**
   * Arguments stay on their lines; a `)` on a later line than the last argument gets a `,`
   * before it, even when there are no arguments, as in Alloy (`walkCallExpr`).
   */
  private call(e: CallExpr): void {
    this.expr(e.value);
    this.p.token('(', 'other', true);
    let prev = e.lparenPos;
    e.args.forEach((arg, i) => {
      const ownLine = this.differentLines(prev, startPos(arg));
      if (ownLine) {
        this.p.space('formfeed', 'indent');
      }
      this.expr(arg);
      prev = endPos(arg) - 1;
      if (i + 1 < e.args.length) {
        this.p.token(',', 'other', true).space('blank');
      }
      if (ownLine) {
        this.p.space('unindent');
      }
    });
    if (this.differentLines(prev, e.rparenPos)) {
      this.p.token(',', 'other', true).space('formfeed');
    }
    this.p.token(')', 'other', true);
  }
}
