/**
 * Elastic tabstops, with the semantics of Go's `text/tabwriter` in the configuration Alloy's
 * printer uses (`syntax/printer/printer.go` at v1.18.1: minimal width 0, tab width 8, padding 1,
 * pad with spaces, discard empty columns, indent with tabs), followed by the trimmer that printer
 * puts behind it (`syntax/printer/trimmer.go`). Written from the documented behaviour:
 *
 * - Text is a sequence of cells. A cell ends at a hard tab `\t` or a soft tab `\v` (both end a
 *   column cell) or at a line break `\n` / `\f` (the line's last cell, never part of a column).
 * - A column is a run of consecutive lines that all have a tab-terminated cell at that index;
 *   every cell of the run is padded to the widest cell plus the padding. A line without such a
 *   cell ends the run, and `\f` ends every run (it flushes what is buffered).
 * - Widths count Unicode code points. Leading empty cells are padded with tabs (TabIndent), every
 *   other cell with spaces. A column whose cells are all empty and soft-tab terminated is dropped.
 * - Escaped text (comments, here passed as separate pieces) is never split into cells: its tabs
 *   and line breaks are kept as they are, and its width is its code point count.
 * - The trimmer then drops blanks and tabs at the end of every line and at the very end, except
 *   inside escaped text, and writes every line break as `\n`.
 */

/** A run of text in a cell; escaped text is copied through unchanged. */
interface Piece {
  readonly text: string;
  readonly escaped: boolean;
}

interface Cell {
  readonly pieces: Piece[];
  /** Width in code points. */
  width: number;
  /** Ended by a hard tab. */
  htab: boolean;
}

/** Counts Unicode code points, as Go's `utf8.RuneCount` counts runes. */
export function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
      }
    }
    n++;
  }
  return n;
}

const TAB_WIDTH = 8;
const PADDING = 1;

/** Drops trailing blanks before line ends and at the end of the text; escaped text is kept as is. */
class Trimmer {
  private readonly out: string[] = [];
  private pendingSpace = '';

  public text(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\v') {
        this.emit(text.slice(start, i));
        this.pendingSpace += ch === '\v' ? '\t' : ch;
        start = i + 1;
      } else if (ch === '\n' || ch === '\f') {
        this.emit(text.slice(start, i));
        this.pendingSpace = '';
        this.out.push('\n');
        start = i + 1;
      }
    }
    this.emit(text.slice(start));
  }

  public escaped(text: string): void {
    this.out.push(this.pendingSpace, text);
    this.pendingSpace = '';
  }

  /** The text so far; blanks still pending at the end are dropped. */
  public result(): string {
    return this.out.join('');
  }

  private emit(text: string): void {
    if (text !== '') {
      if (this.pendingSpace !== '') {
        this.out.push(this.pendingSpace);
        this.pendingSpace = '';
      }
      this.out.push(text);
    }
  }
}

/** Aligns tab-separated cells into columns; see the file comment for the rules. */
export class TabWriter {
  private readonly sink = new Trimmer();
  private lines: Cell[][] = [[]];
  private cell: Cell = newCell();
  private widths: number[] = [];

  /** Writes text whose tabs and line breaks separate cells and lines. */
  public write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') {
        continue;
      }
      this.append(text.slice(start, i));
      start = i + 1;
      const cellsInLine = this.endCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A form feed ends every column; a line of a single cell cannot take part in one, so
        // what is buffered can be written out either way.
        if (ch === '\f' || cellsInLine === 1) {
          this.flush();
        }
      }
    }
    this.append(text.slice(start));
  }

  /** Writes text that is copied through as is: one piece of its cell, as wide as its code points. */
  public writeEscaped(text: string): void {
    this.cell.pieces.push({ text, escaped: true });
    this.cell.width += codePoints(text);
  }

  /** Writes out everything buffered and returns the whole trimmed output. */
  public finish(): string {
    this.flush();
    return this.sink.result();
  }

  private append(text: string): void {
    if (text !== '') {
      this.cell.pieces.push({ text, escaped: false });
      this.cell.width += codePoints(text);
    }
  }

  private endCell(htab: boolean): number {
    this.cell.htab = htab;
    const line = this.lines[this.lines.length - 1];
    line.push(this.cell);
    this.cell = newCell();
    return line.length;
  }

  private flush(): void {
    if (this.cell.pieces.length > 0) {
      this.endCell(false);
    }
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = newCell();
    this.widths = [];
  }

  /**
   * Writes lines [first, end): finds the runs of lines that have a cell in the next column,
   * sizes that column for each run and recurses into the columns to its right.
   */
  private format(first: number, end: number): void {
    const column = this.widths.length;
    let pending = first;
    for (let at = first; at < end; at++) {
      if (!hasColumnCell(this.lines[at], column)) {
        continue;
      }
      this.writeLines(pending, at);
      const runStart = at;
      let width = 0;
      let discardable = true;
      for (; at < end && hasColumnCell(this.lines[at], column); at++) {
        const c = this.lines[at][column];
        width = Math.max(width, c.width + PADDING);
        if (c.width > 0 || c.htab) {
          discardable = false;
        }
      }
      this.widths.push(discardable ? 0 : width);
      this.format(runStart, at);
      this.widths.pop();
      pending = at;
    }
    this.writeLines(pending, end);
  }

  private writeLines(first: number, end: number): void {
    for (let i = first; i < end; i++) {
      let leading = true;
      this.lines[i].forEach((c, j) => {
        if (c.pieces.length > 0) {
          leading = false;
          for (const piece of c.pieces) {
            if (piece.escaped) {
              this.sink.escaped(piece.text);
            } else {
              this.sink.text(piece.text);
            }
          }
        }
        if (j < this.widths.length) {
          this.pad(c.width, this.widths[j], leading && c.pieces.length === 0);
        }
      });
      if (i + 1 < this.lines.length) {
        this.sink.text('\n');
      }
    }
  }

  private pad(textWidth: number, cellWidth: number, withTabs: boolean): void {
    if (withTabs) {
      const stop = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
      this.sink.text('\t'.repeat(Math.ceil((stop - textWidth) / TAB_WIDTH)));
    } else {
      this.sink.text(' '.repeat(cellWidth - textWidth));
    }
  }
}

function newCell(): Cell {
  return { pieces: [], width: 0, htab: false };
}

/** Whether a line has a tab-terminated cell at `column` (its last cell is never in a column). */
function hasColumnCell(line: readonly Cell[], column: number): boolean {
  return column < line.length - 1;
}
