/**
 * The scanner of the Alloy syntax: turns text into tokens.
 *
 * It follows the rules of Alloy's own scanner (grafana/alloy `syntax/scanner/scanner.go` at
 * v1.18.1), written anew here: a newline ends a statement only after a token that can end
 * one (a name, a literal, `)`, `]`, `}`), `//` and `/* *\/` comments, double-quoted strings
 * with Go escapes, backtick raw strings that may span lines, and its error messages.
 * Offsets are UTF-16 code units of the text; {@link SourceFile} turns them into `line:col`.
 */

/** The kinds of token: literal kinds by name, operators and delimiters by their text. */
export type TokenKind =
  | 'ILLEGAL' | 'EOF' | 'COMMENT' | 'TERMINATOR'
  | 'IDENT' | 'NUMBER' | 'FLOAT' | 'STRING' | 'BOOL' | 'NULL'
  | '||' | '&&' | '!' | '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^'
  | '{' | '}' | '(' | ')' | '[' | ']' | ',' | '.';

/** One token: its kind, where it starts and its text (a newline for a terminator). */
export interface Token {
  readonly kind: TokenKind;
  readonly pos: number;
  readonly text: string;
}

/** Called for each lexical error, with the offset it is reported at. */
export type ScanErrorHandler = (offset: number, message: string) => void;

const EOF = -1;
const BOM = 0xfeff;

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

function isLetter(ch: number): boolean {
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f ||
    (ch >= 0x80 && LETTER.test(String.fromCodePoint(ch)));
}

function isDecimal(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

function isDigit(ch: number): boolean {
  return isDecimal(ch) || (ch >= 0x80 && DIGIT.test(String.fromCodePoint(ch)));
}

function digitValue(ch: number): number {
  if (isDecimal(ch)) {
    return ch - 0x30;
  }
  const lower = ch | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : 16;
}

/** Go's `%#U` of a character: `U+0040 '@'`, or `U+0007` when it is not printable. */
export function describeCharacter(ch: number): string {
  const hex = 'U+' + ch.toString(16).toUpperCase().padStart(4, '0');
  const text = String.fromCodePoint(ch);
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(text) ? `${hex} '${text}'` : hex;
}

/** Whether `name` is an identifier by the scanner's rules (keywords included). */
export function isValidIdentifier(name: string): boolean {
  if (name === '') {
    return false;
  }
  let first = true;
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (!(isLetter(code) || (!first && isDigit(code)))) {
      return false;
    }
    first = false;
  }
  return true;
}

/** Reads the tokens of one text in order; `scan()` returns EOF forever at the end. */
export class Scanner {
  /** The current character (a code point), or EOF. */
  private ch = EOF;
  /** Offset of the current character. */
  private offset = 0;
  /** Offset just past the current character. */
  private readOffset = 0;
  /** Whether a newline now ends a statement. */
  private insertTerm = false;

  public constructor(private readonly input: string, private readonly onError: ScanErrorHandler = () => undefined) {
    this.next();
    if (this.at() === BOM) {
      this.next();
    }
  }

  private next(): void {
    if (this.readOffset >= this.input.length) {
      this.offset = this.input.length;
      this.ch = EOF;
      return;
    }
    this.offset = this.readOffset;
    const code = this.input.codePointAt(this.readOffset)!;
    if (code === 0) {
      this.onError(this.offset, 'illegal character NUL');
    } else if (code >= 0xd800 && code <= 0xdfff) {
      this.onError(this.offset, 'illegal UTF-8 encoding');
    } else if (code === BOM && this.offset > 0) {
      this.onError(this.offset, 'illegal byte order mark');
    }
    this.readOffset += code > 0xffff ? 2 : 1;
    this.ch = code;
  }

  /** The current character; a method, so the compiler does not narrow it across calls of next(). */
  private at(): number {
    return this.ch;
  }

  private peek(): number {
    return this.readOffset < this.input.length ? this.input.charCodeAt(this.readOffset) : 0;
  }

  /** The next token. */
  public scan(): Token {
    {
      this.skipWhitespace();
      const pos = this.offset;
      const ch = this.at();
      let insertTerm = false;
      let kind: TokenKind;
      let text = '';

      if (isLetter(ch)) {
        text = this.scanIdentifier();
        kind = text === 'true' || text === 'false' ? 'BOOL' : text === 'null' ? 'NULL' : 'IDENT';
        insertTerm = true;
      } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peek()))) {
        insertTerm = true;
        [kind, text] = this.scanNumber();
      } else {
        this.next();
        switch (ch) {
          case EOF:
            if (this.insertTerm) {
              this.insertTerm = false;
              return { kind: 'TERMINATOR', pos, text: '\n' };
            }
            kind = 'EOF';
            break;
          case 0x0a:
            this.insertTerm = false;
            return { kind: 'TERMINATOR', pos, text: '\n' };
          case 0x27: // '
            this.onError(pos, 'illegal single-quoted string; use double quotes');
            insertTerm = true;
            kind = 'ILLEGAL';
            text = this.scanString(0x27, true, false, pos);
            break;
          case 0x22: // "
            insertTerm = true;
            kind = 'STRING';
            text = this.scanString(0x22, true, false, pos);
            break;
          case 0x60: // `
            insertTerm = true;
            kind = 'STRING';
            text = this.scanString(0x60, false, true, pos);
            break;
          case 0x7c: // |
            if (this.at() !== 0x7c) {
              this.onError(this.offset, 'missing second | in ||');
            } else {
              this.next();
            }
            kind = '||';
            break;
          case 0x26: // &
            if (this.at() !== 0x26) {
              this.onError(this.offset, 'missing second & in &&');
            } else {
              this.next();
            }
            kind = '&&';
            break;
          case 0x21:
            kind = this.switch2('!', '!=');
            break;
          case 0x3d:
            kind = this.switch2('=', '==');
            break;
          case 0x3c:
            kind = this.switch2('<', '<=');
            break;
          case 0x3e:
            kind = this.switch2('>', '>=');
            break;
          case 0x2b:
            kind = '+';
            break;
          case 0x2d:
            kind = '-';
            break;
          case 0x2a:
            kind = '*';
            break;
          case 0x2f: // /
            if (this.at() === 0x2f || this.at() === 0x2a) {
              // A comment after a token that ends a statement, on a line of its own
              // afterwards: the newline is the terminator, and the comment comes next.
              if (this.insertTerm && this.findLineEnd()) {
                this.ch = 0x2f;
                this.offset = pos;
                this.readOffset = pos + 1;
                this.insertTerm = false;
                return { kind: 'TERMINATOR', pos, text: '\n' };
              }
              text = this.scanComment(pos);
              kind = 'COMMENT';
            } else {
              kind = '/';
            }
            break;
          case 0x25:
            kind = '%';
            break;
          case 0x5e:
            kind = '^';
            break;
          case 0x7b:
            kind = '{';
            break;
          case 0x7d:
            insertTerm = true;
            kind = '}';
            break;
          case 0x28:
            kind = '(';
            break;
          case 0x29:
            insertTerm = true;
            kind = ')';
            break;
          case 0x5b:
            kind = '[';
            break;
          case 0x5d:
            insertTerm = true;
            kind = ']';
            break;
          case 0x2c:
            kind = ',';
            break;
          case 0x2e:
            kind = '.';
            break;
          default:
            if (ch !== BOM) {
              this.onError(pos, `illegal character ${describeCharacter(ch)}`);
            }
            insertTerm = this.insertTerm;
            kind = 'ILLEGAL';
            text = String.fromCodePoint(ch);
        }
      }
      this.insertTerm = insertTerm;
      return { kind, pos, text: text === '' ? kind : text };
    }
  }

  private skipWhitespace(): void {
    while (this.at() === 0x20 || this.at() === 0x09 || this.at() === 0x0d || (this.at() === 0x0a && !this.insertTerm)) {
      this.next();
    }
  }

  private scanIdentifier(): string {
    const start = this.offset;
    while (isLetter(this.at()) || isDigit(this.at())) {
      this.next();
    }
    return this.input.slice(start, this.offset);
  }

  private scanNumber(): ['NUMBER' | 'FLOAT', string] {
    let kind: 'NUMBER' | 'FLOAT' = 'NUMBER';
    const start = this.offset;
    if (this.at() !== 0x2e) {
      this.digits();
    }
    if (this.at() === 0x2e) {
      kind = 'FLOAT';
      this.next();
      this.digits();
    }
    if ((this.at() | 0x20) === 0x65) {
      kind = 'FLOAT';
      this.next();
      if (this.at() === 0x2b || this.at() === 0x2d) {
        this.next();
      }
      if (this.digits() === 0) {
        this.onError(start, 'exponent has no digits');
      }
    }
    return [kind, this.input.slice(start, this.offset)];
  }

  private digits(): number {
    let count = 0;
    while (isDecimal(this.at())) {
      this.next();
      count++;
    }
    return count;
  }

  /** Scans a string whose opening quote (at `start`) has been consumed. */
  private scanString(until: number, escape: boolean, multiline: boolean, start: number): string {
    for (;;) {
      const ch = this.at();
      if ((!multiline && ch === 0x0a) || ch === EOF) {
        this.onError(start, 'string literal not terminated');
        break;
      }
      this.next();
      if (ch === until) {
        break;
      }
      if (escape && ch === 0x5c) {
        this.scanEscape();
      }
    }
    return this.input.slice(start, this.offset);
  }

  private scanEscape(): void {
    const start = this.offset;
    let n: number;
    let base: number;
    let max: number;
    switch (this.at()) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: case 0x22:
        this.next();
        return;
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
        [n, base, max] = [3, 8, 255];
        break;
      case 0x78:
        this.next();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75:
        this.next();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55:
        this.next();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      default:
        this.onError(start, this.at() === EOF ? 'escape sequence not terminated' : 'unknown escape sequence');
        return;
    }
    let value = 0;
    for (; n > 0; n--) {
      const digit = digitValue(this.at());
      if (this.at() === EOF || digit >= base) {
        this.onError(start, this.at() === EOF ? 'escape sequence not terminated' : `illegal character ${describeCharacter(this.at())} in escape sequence`);
        return;
      }
      value = value * base + digit;
      this.next();
    }
    if (value > max || (value >= 0xd800 && value < 0xe000)) {
      this.onError(start, 'escape sequence is invalid Unicode code point');
    }
  }

  /** Scans a comment whose `/` (at `start`) has been consumed; `\r` is dropped as Alloy does. */
  private scanComment(start: number): string {
    if (this.at() === 0x2f) {
      while (this.at() !== 0x0a && this.at() !== EOF) {
        this.next();
      }
      return stripCR(this.input.slice(start, this.offset), false);
    }
    this.next();
    while (this.at() !== EOF) {
      const ch = this.at();
      this.next();
      if (ch === 0x2a && this.at() === 0x2f) {
        this.next();
        return stripCR(this.input.slice(start, this.offset), true);
      }
    }
    this.onError(start, 'block comment not terminated');
    return stripCR(this.input.slice(start, this.offset), true);
  }

  /**
   * Whether the comments starting here run to the end of the line (so the newline after the
   * previous token ends its statement). Restores the scanner to the comment's first `/`.
   */
  private findLineEnd(): boolean {
    const restore = this.offset - 1;
    const result = ((): boolean => {
      while (this.at() === 0x2f || this.at() === 0x2a) {
        if (this.at() === 0x2f) {
          return true;
        }
        this.next();
        while (this.at() !== EOF) {
          const ch = this.at();
          if (ch === 0x0a) {
            return true;
          }
          this.next();
          if (ch === 0x2a && this.at() === 0x2f) {
            this.next();
            break;
          }
        }
        this.skipWhitespace();
        if (this.at() === EOF || this.at() === 0x0a) {
          return true;
        }
        if (this.at() !== 0x2f) {
          return false;
        }
        this.next();
      }
      return false;
    })();
    this.offset = restore;
    this.readOffset = restore;
    this.next();
    this.next();
    return result;
  }

  private switch2(one: TokenKind, two: TokenKind): TokenKind {
    if (this.at() === 0x3d) {
      this.next();
      return two;
    }
    return one;
  }
}

/** Drops `\r` from a comment as Alloy does (keeping a `\r` right before a block comment's `*\/`). */
function stripCR(text: string, block: boolean): string {
  if (!text.includes('\r')) {
    return text;
  }
  let trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
  let out = '';
  for (let j = 0; j < trimmed.length; j++) {
    const ch = trimmed[j];
    if (ch !== '\r' || (block && out.length > 2 && out.endsWith('*') && trimmed[j + 1] === '/')) {
      out += ch;
    }
  }
  trimmed = out;
  return trimmed;
}
