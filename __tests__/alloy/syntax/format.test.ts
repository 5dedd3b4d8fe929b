/**
 * The formatter prints what `alloy fmt` (Alloy v1.18.1) prints.
 *
 * Golden cases live in format/<case>.in and format/<case>.expect. Each expected text was
 * derived by hand from the upstream printer (grafana/alloy at v1.18.1, `syntax/printer/`), not
 * by running this formatter; the table below names the upstream functions that decide each one:
 *
 * - walker.go `walkStmts`: blank lines (a block always gets one, a blank line in the source is kept
 *   once), a statement over several lines ends the alignment run (a form feed instead of a newline).
 * - walker.go `walkBlockStmt`: `{ }` for an empty body. `walkAttributeStmt`: the soft tab before `=`.
 * - walker.go `walkArrayExpr` / `walkObjectExpr` / `walkCallExpr`: elements, fields and arguments
 *   stay on the lines the source put them on; a closing bracket on a later line gets a `,` first.
 * - walker.go `walkExpr`: one blank around binary operators, parentheses as written.
 * - printer.go `injectComments`, `writeCommentPrefix`, `writeCommentSuffix`: where comments go
 *   and the whitespace dropped or kept around them; `Write`: positions estimated for tokens the
 *   walker gives none (`=`, `.`, `,`, parentheses).
 * - Go's text/tabwriter (as printer.go's `Fprint` configures it) and trimmer.go: alignment in
 *   code points, trailing comments in a column, literals not escaped (their tabs and newlines
 *   take part in the alignment), trailing blanks dropped outside comments.
 *
 * The expected files are not rewritten by UPDATE_GOLDEN: they are the specification.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { AlloySyntaxError, formatFile, formatSource, parseFileOrThrow, printFile } from '../../../lib/alloy/syntax';
import { TabWriter, codePoints } from '../../../lib/alloy/syntax/tabwriter';
import { randomStatements } from '../../support/random-alloy';

const CASES = path.join(__dirname, 'format');
const ROOT = path.join(__dirname, '..', '..', '..');

interface Case {
  /** The upstream code that decides the case. */
  readonly decidedBy: string;
  /** Why formatting the output again changes it, for the quirks where it does. */
  readonly notIdempotent?: string;
}

const CASE_TABLE: Record<string, Case> = {
  'align': { decidedBy: 'walkStmts (newline vs form feed, blank lines), walkAttributeStmt (soft tab), tabwriter columns' },
  'blank-lines': { decidedBy: 'walkStmts (form feed before blocks and source blank lines), walkBlockStmt, trimmer' },
  'calls': { decidedBy: 'walkCallExpr (arguments on their own lines, trailing comma), walkExpr (access, index)' },
  'comment-collections': { decidedBy: 'writeCommentPrefix/Suffix inside walkArrayExpr and walkObjectExpr (indent before the form feed)' },
  'comment-inline': { decidedBy: 'writeCommentPrefix (blank separator on the same line), estimated positions in Write' },
  'comment-lines': { decidedBy: 'injectComments, writeCommentPrefix (tab before trailing comments, at most one blank line), writeCommentSuffix' },
  'empty-file': { decidedBy: 'Fprint (nothing written) + cmd_fmt.go (the final newline)' },
  'empty-values': { decidedBy: 'walkBlockStmt (`{ }`), walkArrayExpr/walkObjectExpr with no elements' },
  'lists': { decidedBy: 'walkArrayExpr (same-line elements, indent per line, trailing comma)' },
  'objects': { decidedBy: 'walkObjectExpr (newline vs form feed between fields, quoted keys), tabwriter columns' },
  'operators': { decidedBy: 'walkExpr (BinaryExpr with blanks, UnaryExpr, ParenExpr), literals as written' },
  'raw-strings': { decidedBy: 'Write (literals unescaped for the tabwriter), trimmer (trailing blanks inside a raw string dropped)' },
  'unicode': { decidedBy: 'tabwriter widths in runes (code points), escaped comment width' },
  'quirk-binary-newline': {
    decidedBy: 'walkExpr (BinaryExpr joins its operands on one line) + walkStmts (nodeLines of the source)',
    notIdempotent: 'the statement spanned two lines in the source, so it ended the alignment run; printed on one line, it aligns next time',
  },
  'quirk-call-empty-args': {
    decidedBy: 'walkCallExpr (the trailing comma is added when `)` is on a later line, even with no arguments)',
    notIdempotent: '`f(,` does not parse, so the output is refused next time',
  },
  'quirk-comment-trailing-space': { decidedBy: 'trimmer (comments are escaped text: their trailing blanks are kept)' },
  'quirk-empty-multiline': {
    decidedBy: 'walkArrayExpr/walkObjectExpr (empty values collapse) + walkStmts (nodeLines of the source)',
    notIdempotent: 'the empty value spanned lines in the source, so it ended the alignment run; on one line it aligns next time',
  },
  'quirk-inline-objects': { decidedBy: 'walkObjectExpr (soft tab before each field `=`), tabwriter columns across lines' },
  'quirk-key-backslash': {
    decidedBy: 'parser (a quoted key keeps its text between the quotes) + walkObjectExpr (prints it with %q)',
    notIdempotent: 'each run escapes the backslashes again',
  },
  'quirk-raw-tab': {
    decidedBy: 'Write (literals are not escaped) + tabwriter (a tab in a raw string ends a cell; TabIndent pads with tabs)',
    notIdempotent: 'the tab became a blank, so the indentation it widened goes back to one tab next time',
  },
};

const read = (file: string): string => fs.readFileSync(file, 'utf-8');

describe('formatter: golden cases', () => {
  test('every case on disk is in the table and every case in the table is on disk', () => {
    const onDisk = fs.readdirSync(CASES).filter((f) => f.endsWith('.in')).map((f) => f.slice(0, -3)).sort();
    expect(onDisk).toEqual(Object.keys(CASE_TABLE).sort());
    for (const name of onDisk) {
      expect(fs.existsSync(path.join(CASES, `${name}.expect`))).toBe(true);
    }
  });

  test.each(Object.keys(CASE_TABLE))('%s', (name) => {
    const input = read(path.join(CASES, `${name}.in`));
    expect(formatSource(input, `${name}.in`)).toBe(read(path.join(CASES, `${name}.expect`)));
  });

  const idempotent = Object.entries(CASE_TABLE).filter(([, c]) => !c.notIdempotent).map(([n]) => n);
  test.each(idempotent)('%s: formatting the output again changes nothing', (name) => {
    const once = read(path.join(CASES, `${name}.expect`));
    expect(formatSource(once)).toBe(once);
  });

  const quirks = Object.entries(CASE_TABLE).filter(([, c]) => c.notIdempotent).map(([n]) => n);
  test.each(quirks)('%s: the documented quirk is real (a second run differs or fails)', (name) => {
    const once = read(path.join(CASES, `${name}.expect`));
    let twice: string | Error;
    try {
      twice = formatSource(once);
    } catch (e) {
      twice = e as Error;
    }
    expect(twice).not.toBe(once);
  });
});

describe('formatter: canonical text comes back unchanged', () => {
  function walk(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  }

  test('every config.alloy in the ConfigMaps of dist/', () => {
    const configs: Array<{ where: string; text: string }> = [];
    for (const file of walk(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.k8s.yaml'))) {
      for (const doc of loadAll(read(file)) as any[]) {
        const text = doc?.kind === 'ConfigMap' ? doc.data?.['config.alloy'] : undefined;
        if (typeof text === 'string') {
          configs.push({ where: `${path.relative(ROOT, file)} ${doc.metadata.name}`, text });
        }
      }
    }
    // dev, prod and large each have several collectors
    expect(configs.length).toBeGreaterThanOrEqual(9);
    for (const { where, text } of configs) {
      expect({ where, text: formatSource(text, where) }).toEqual({ where, text });
    }
  });

  test('every .alloy golden file under __tests__', () => {
    const files = walk(path.join(ROOT, '__tests__')).filter((f) => f.endsWith('.alloy'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = read(file);
      expect({ file, text: formatSource(text, file) }).toEqual({ file, text });
    }
  });

  test('500 random configs from the canonical printer', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const text = printFile(randomStatements(seed));
      expect({ seed, text: formatSource(text) }).toEqual({ seed, text });
    }
  });
});

describe('formatter: input', () => {
  test('formatFile prints a parsed tree; formatSource parses first', () => {
    const text = 'a {\nx = 1\n}\n';
    expect(formatFile(parseFileOrThrow(text))).toBe('a {\n\tx = 1\n}\n');
    expect(formatSource(text)).toBe('a {\n\tx = 1\n}\n');
  });

  test('CRLF line ends come out as LF', () => {
    expect(formatSource('a {\r\n  x = 1 // c\r\n}\r\n')).toBe('a {\n\tx = 1 // c\n}\n');
  });

  test('fails when the text does not parse, naming file:line:col like alloy fmt', () => {
    const run = () => formatSource('a {\n  x = \n}\n', 'bad.alloy');
    expect(run).toThrow(AlloySyntaxError);
    expect(run).toThrow(/^bad\.alloy:3:1: /);
  });
});

describe('tabwriter: Go text/tabwriter semantics', () => {
  const tw = (...parts: Array<string | { escaped: string }>): string => {
    const w = new TabWriter();
    for (const p of parts) {
      if (typeof p === 'string') {
        w.write(p);
      } else {
        w.writeEscaped(p.escaped);
      }
    }
    return w.finish();
  };

  test('soft-tab cells on consecutive lines form a column padded to the widest plus one', () => {
    expect(tw('a\v= 1\nbbb\v= 2\n')).toBe('a   = 1\nbbb = 2\n');
  });

  test('a form feed ends the column; a line without the cell ends it too', () => {
    expect(tw('a\v= 1\fbbb\v= 2\n')).toBe('a = 1\nbbb = 2\n');
    expect(tw('a\v= 1\nplain\nbbb\v= 2\n')).toBe('a = 1\nplain\nbbb = 2\n');
  });

  test('leading empty cells are padded with tabs, rounded up to the tab width', () => {
    expect(tw('\ta\v= 1\n')).toBe('\ta = 1\n');
    // a 9-wide cell in the same column widens the indentation to two tabs
    expect(tw('\tx\n12345678\ty\n')).toBe('\t\tx\n12345678 y\n');
  });

  test('escaped text is one piece: its tabs split nothing and its width is its code points', () => {
    expect(tw('a\t', { escaped: '/*\t*/' }, '\nbb\tc\n')).toBe('a  /*\t*/\nbb c\n');
    expect(codePoints('名前𝒳')).toBe(3);
  });

  test('trailing blanks are dropped, except inside escaped text', () => {
    expect(tw('a   \n', { escaped: '// x  ' }, '\n  ')).toBe('a\n// x  \n');
  });

  test('a column of empty soft-tab cells is discarded', () => {
    expect(tw('\va\n\vb\n')).toBe('a\nb\n');
  });
});
