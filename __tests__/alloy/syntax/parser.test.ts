/**
 * The parser against the printer and against Alloy's grammar (syntax/parser/internal.go at
 * v1.18.1): every config this project prints parses back to what was printed; operators bind
 * as Alloy binds them; literals decode as Go decodes them; errors come at Alloy's positions
 * with Alloy's words.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  AlloySyntaxError, ExprNode, SyntaxFile, decodeLiteral, explainSyntaxError, isValidIdentifier, parseExpression, parseFile, parseFileOrThrow, printFile, toStatements,
} from '../../../lib/alloy/syntax';

const repo = path.join(__dirname, '..', '..', '..');

/** Every `.alloy` golden and corpus file of the tests (not the fixtures with seeded errors) and every config.alloy in dist/. */
export function corpus(): Array<[string, string]> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.alloy') && (dir.startsWith(path.join(repo, 'dist')) || /[/\\](golden|corpus)$/.test(dir))) {
        files.push(full);
      }
    }
  };
  walk(path.join(repo, '__tests__'));
  walk(path.join(repo, 'dist'));
  return files.sort().map((f) => [path.relative(repo, f), fs.readFileSync(f, 'utf-8')]);
}

/** The expression a one-attribute file holds, as compact text showing how it is grouped. */
function shape(expr: ExprNode): string {
  switch (expr.type) {
    case 'literal':
      return expr.text;
    case 'identifier':
      return expr.ident.name;
    case 'access':
      return `${shape(expr.value)}.${expr.name.name}`;
    case 'index':
      return `${shape(expr.value)}[${shape(expr.index)}]`;
    case 'call':
      return `${shape(expr.value)}(${expr.args.map(shape).join(', ')})`;
    case 'unary':
      return `(${expr.op}${shape(expr.value)})`;
    case 'binary':
      return `(${shape(expr.left)} ${expr.op} ${shape(expr.right)})`;
    case 'paren':
      return `[${shape(expr.inner)}]`;
    case 'array':
      return `[${expr.elements.map(shape).join(', ')}]`;
    case 'object':
      return `{${expr.fields.map((f) => `${f.quoted ? JSON.stringify(f.name.name) : f.name.name}=${shape(f.value)}`).join(', ')}}`;
  }
}

/** Each diagnostic as `line:col message`. */
function errors(text: string): string[] {
  return parseFile(text).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`);
}

describe('what the printer prints parses back to the same statements', () => {
  const files = corpus();

  test('the corpus: every golden and every config.alloy in dist/', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter(([f]) => f.startsWith('dist/')).length).toBeGreaterThanOrEqual(9);
  });

  test.each(files)('%s', (name, text) => {
    const file = parseFileOrThrow(text, name);
    expect(printFile(toStatements(file))).toBe(text);
  });
});

describe('expressions bind as in Alloy', () => {
  test.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '((-2) ^ 2)'],
    ['a || b && c == d', '(a || (b && (c == d)))'],
    ['a < b + c % d', '(a < (b + (c % d)))'],
    ['!a == b', '((!a) == b)'],
    ['(1 + 2) * 3', '([(1 + 2)] * 3)'],
    ['a.b[0].c(1, "x")', 'a.b[0].c(1, "x")'],
    ['f(g(1))[2]', 'f(g(1))[2]'],
    ['{a = 1, "b.c" = [1, 2,], }', '{a=1, "b.c"=[1, 2]}'],
    // comparisons share one level and group from the left, as in Alloy
    ['x >= 1 != y <= 2', '(((x >= 1) != y) <= 2)'],
  ])('%s', (text, expected) => {
    expect(shape(parseExpression(text))).toBe(expected);
  });
});

describe('literals', () => {
  const literal = (text: string): string | number | boolean | null => {
    const expr = parseExpression(text);
    if (expr.type !== 'literal') {
      throw new Error(`not a literal: ${text}`);
    }
    return decodeLiteral(expr);
  };

  test('strings decode Go escapes: bytes for \\x and octal, code points for \\u and \\U', () => {
    expect(literal('"a\\tb\\n\\"q\\" \\\\ \\a\\b\\f\\r\\v"')).toBe('a\tb\n"q" \\ \u0007\b\f\r\v');
    expect(literal('"\\xc3\\xa9 \\303\\251 \\u00e9 \\U0001F600"')).toBe('é é é 😀');
    expect(literal('"ünï 😀"')).toBe('ünï 😀');
  });

  test('raw strings keep their text, newlines and backslashes included', () => {
    expect(literal('`a\\nb\n  c "d"`')).toBe('a\\nb\n  c "d"');
    expect(parseExpression('`x`')).toMatchObject({ kind: 'STRING', text: '`x`' });
  });

  test('numbers, floats, booleans, null; the literal text is kept as written', () => {
    expect(parseExpression('1e3')).toMatchObject({ kind: 'FLOAT', text: '1e3' });
    expect(parseExpression('.5')).toMatchObject({ kind: 'FLOAT', text: '.5' });
    expect(parseExpression('42')).toMatchObject({ kind: 'NUMBER', text: '42' });
    expect([literal('1e3'), literal('.5'), literal('42'), literal('true'), literal('false'), literal('null')]).toEqual([1000, 0.5, 42, true, false, null]);
  });

  test('identifiers may hold Unicode letters and digits', () => {
    expect(shape(parseExpression('名前.x_1٣'))).toBe('名前.x_1٣');
  });
});

describe('statements and comments', () => {
  const text = [
    '// head',
    'logging {',
    '\tlevel = "info" // trailing',
    '\t/* block */ format = "json"',
    '}',
    '',
    'a.b "x_1" { }',
    '',
  ].join('\n');

  test('blocks with and without labels, attributes, and every comment in groups', () => {
    const file = parseFileOrThrow(text);
    expect(file.body.map((s) => s.type === 'block' ? [s.name.join('.'), s.label] : s.name.name)).toEqual([['logging', undefined], ['a.b', 'x_1']]);
    const logging = file.body[0];
    expect(logging.type === 'block' && logging.body.map((s) => s.type === 'attribute' && [s.name.name, shape(s.value)])).toEqual([['level', '"info"'], ['format', '"json"']]);
    expect(file.comments.map((g) => g.map((c) => c.text))).toEqual([['// head'], ['// trailing', '/* block */']]);
    expect(file.source.position(file.comments[1][1].pos)).toEqual({ filename: '', line: 4, column: 2 });
  });

  test('a comment after code ends its statement; the next line is a new statement', () => {
    expect(errors('a {\n\tb = 1 // c\n\td = 2 /* e */\n\tf = 3\n}\n')).toEqual([]);
  });

  test('comments the value model cannot place are errors by default, or reported to the caller', () => {
    expect(() => toStatements(parseFileOrThrow(text, 'c.alloy'))).toThrow(
      'c.alloy:3:17: the comment "// trailing" cannot be kept: only "// text" comments on lines of their own between statements have a place in the value model',
    );
    const unplaced: string[] = [];
    const statements = toStatements(parseFileOrThrow(text), { onUnplacedComment: (c) => unplaced.push(c.text) });
    expect(unplaced).toEqual(['// trailing', '/* block */']);
    expect(statements[0]).toEqual({ kind: 'comment', text: 'head' });
  });

  test('a call of a call has no form in the value model: an error at its position', () => {
    expect(() => toStatements(parseFileOrThrow('a {\n\tb = f()(1)\n}\n', 'f.alloy'))).toThrow(
      'f.alloy:2:6: "f()(1)" is a call of something that is not a function name',
    );
  });

  test('an object with a key twice is an error at the second key', () => {
    expect(() => toStatements(parseFileOrThrow('a {\n\tb = {x = 1, "x" = 2}\n}\n'))).toThrow('2:14: the object has the key "x" twice');
  });
});

describe('errors at Alloy\'s positions, in Alloy\'s words', () => {
  test.each([
    ['a {\n\tb = 1 + + 2\n}\n', ['2:10 expected expression, got +']],
    ['a {\n\tb = f(() )\n}\n', ['2:9 expected expression, got )']],
    ['a {\n\tb = a.true\n}\n', ['2:8 expected IDENT, got BOOL']],
    ['a {\n\tb = [\n\t\t1,\n\t\t2\n\t]\n}\n', ["4:4 missing ',' in expression list"]],
    ['a {\n\tb = {\n\t\tx = 1\n\t}\n}\n', ["3:8 missing ',' in field list"]],
    // a scanner error does not hide the parser's own on the same line
    ['a {\n\tb = \'x\'\n}\n', ['2:6 illegal single-quoted string; use double quotes', '2:6 expected expression, got ILLEGAL']],
    ['a {\n\tb = "x\n}\n', ['2:6 string literal not terminated']],
    ['a {\n\tb = "\\q"\n}\n', ['2:8 unknown escape sequence']],
    ['a {\n\tb = "\\u12"\n}\n', ['2:8 illegal character U+0022 \'"\' in escape sequence']],
    ['a {\n\tb = "\\uD800"\n}\n', ['2:8 escape sequence is invalid Unicode code point']],
    ['a {\n\tb = 1e\n}\n', ['2:6 exponent has no digits']],
    ['a {\n\tb = 1 @ 2\n}\n', ["2:8 illegal character U+0040 '@'", '2:8 expected TERMINATOR, got ILLEGAL']],
    ['a {\n\tb = 1 | 2\n}\n', ['2:9 missing second | in ||']],
    ['/* open\n', ['1:1 block comment not terminated']],
    ['a.b "x-y" { }\n', ['1:5 expected block label to be a valid identifier, but got "x-y"']],
    ['a.b `x` { }\n', ['1:5 expected block label to be a double quoted string, but got "`x`"']],
    ['a.b = 1\n', ['1:1 attribute names may only consist of a single identifier with no "."']],
    ['a "x" = 1\n', ['1:3 attribute names may not have labels']],
    ['a 1\n', ['1:3 expected block label, got NUMBER']],
    // a name alone: the newline is taken for a missing label, then the statement has no body
    ['a\n', ['1:2 expected block label, got TERMINATOR', '2:1 expected attribute assignment or block body, got EOF']],
    ['a.b\n', ['1:4 expected block label, got TERMINATOR', '2:1 expected block body, got EOF']],
    ['= 1\n', ['1:1 expected IDENT, got =']],
    ['a {\n\tb = c "x" { }\n}\n', ['2:6 cannot use a block as an expression']],
    ['a {\n\tb = {1 = 2}\n}\n', ['2:7 expected field name (string or identifier), got NUMBER']],
    // the rest of the line is skipped with the `}`, so the block is not closed
    ['a { b = 1 c = 2 }\n', ['1:11 expected TERMINATOR, got IDENT', '2:1 expected }, got EOF']],
    // after an operator a newline does not end the statement: the next line is still the expression
    ['a {\n\tb = 1 +\n\t\t2\n}\n', []],
    // so a missing operand swallows the next line while looking for the end of the statement
    ['a {\n\tb = + \n\tc = 1\n}\n', ['2:6 expected expression, got +']],
  ])('%j', (text, expected) => {
    expect(errors(text)).toEqual(expected);
    // and each says how to fix it after Alloy's words (unless Alloy's own words do)
    for (const d of parseFile(text).diagnostics.filter((x) => !x.message.includes('; '))) {
      expect(explainSyntaxError(d.message)).toMatch(new RegExp(`^${d.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; .+`));
    }
  });

  test('columns count UTF-8 bytes, as Alloy\'s do', () => {
    expect(errors('a {\n\tü = 1 + + 2\n}\n')).toEqual(['2:11 expected expression, got +']);
  });

  test('at most one parse error per line; every line with one reports it', () => {
    expect(errors('a {\n\tb = + + 1\n\tc = ) )\n}\n')).toEqual(['2:6 expected expression, got +', '3:6 expected expression, got )']);
  });

  test('parseFileOrThrow throws every problem with the file name', () => {
    let error: unknown;
    try {
      parseFileOrThrow('a {\n\tb = + 1\n\tc = )\n}\n', 'conf/x.alloy');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlloySyntaxError);
    const fix = 'write a value here: a string, number, bool, null, list, object, name or call';
    expect((error as AlloySyntaxError).message).toBe(`conf/x.alloy:2:6: expected expression, got +; ${fix}\nconf/x.alloy:3:6: expected expression, got ); ${fix}`);
    expect((error as AlloySyntaxError).diagnostics).toHaveLength(2);
  });

  test('a byte order mark is allowed first and nowhere else; NUL is refused', () => {
    expect(errors('\ufeffa { }\n')).toEqual([]);
    expect(errors('a { }\n\ufeff\n')[0]).toBe('2:1 illegal byte order mark');
    expect(errors('a {\n\tb = "\u0000"\n}\n')).toEqual(['2:7 illegal character NUL']);
  });

  test('an escape cut off by the end of the file', () => {
    // the escape is reported where it starts, the string at its opening quote, then the block left open
    expect(errors('a {\n\tb = "\\')).toEqual(['2:8 escape sequence not terminated', '2:6 string literal not terminated', '2:8 expected }, got EOF']);
    expect(errors('a {\n\tb = "\\x4')).toEqual(['2:8 escape sequence not terminated', '2:6 string literal not terminated', '2:10 expected }, got EOF']);
  });

  test('comments after a token: a block comment that runs onto the next line, or one followed by a line comment, still ends the statement', () => {
    expect(errors('a {\n\tb = 1 /* x\n\ty */ c = 2\n}\n')).toEqual([]);
    expect(errors('a {\n\tb = 1 /* x */ // y\n\tc = 2\n}\n')).toEqual([]);
    expect(errors('a {\n\tb = 1 /* x */ /* y */\n\tc = 2\n}\n')).toEqual([]);
    // a block comment before more code on the line: the statement goes on
    expect(errors('a {\n\tb = 1 /* x */ + 2\n}\n')).toEqual([]);
    const file = parseFileOrThrow('a {\r\n\tb = 1 // x\r\n\t/* y\r\n*/\r\n}\r\n');
    expect(file.comments.flat().map((c) => c.text)).toEqual(['// x', '/* y\n*/']);
  });

  test('identifiers: what the scanner takes for one', () => {
    expect(['', '1a', 'a1', 'ünï', 'x٣', 'a-b'].map(isValidIdentifier)).toEqual([false, false, true, true, true, false]);
  });

  test('the tree of a file with errors still comes back', () => {
    const { file, diagnostics }: { file: SyntaxFile; diagnostics: readonly unknown[] } = parseFile('a {\n\tb = + \n}\nc { }\n');
    expect(diagnostics).toHaveLength(1);
    expect(file.body.map((s) => s.type === 'block' && s.name[0])).toEqual(['a', 'c']);
  });
});
