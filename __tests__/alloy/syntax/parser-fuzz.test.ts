/**
 * Property-based tests (fast-check) of the parser with the printer: whatever the printer
 * prints parses back to the statements it printed, and no text, however broken, makes the
 * parser throw or report a position outside the file.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { AlloyObject, AlloyValue, Expr, Statement, attribute, block, comment, parseFile, parseFileOrThrow, printFile, toStatements } from '../../../lib/alloy/syntax';
import { randomStatements } from '../../support/random-alloy';

const identifier = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
  fc.constantFrom('名前', 'ünï', 'x_1', '_'),
).filter((s) => !['true', 'false', 'null'].includes(s));
const dotted = fc.array(identifier, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const text = fc.oneof(
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
  fc.array(fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u007f', '}', '{', '//', '/*', '`', '\u2028', 'é', '😀'), { maxLength: 8 }).map((xs) => xs.join('')),
);
const number = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)));

const value: fc.Arbitrary<AlloyValue> = fc.letrec<{ value: AlloyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    dotted.map((p) => Expr.ref(p)),
    fc.tuple(dotted, fc.array(tie('value'), { maxLength: 3 })).map(([fn, args]) => Expr.call(fn, ...args)),
    fc.tuple(tie('value'), fc.constantFrom('||', '&&', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^' as const), tie('value'))
      .map(([l, op, r]) => Expr.op(l, op, r)),
    tie('value').map((v) => Expr.not(v)),
    fc.tuple(dotted, tie('value')).map(([p, i]) => Expr.index(Expr.ref(p), i)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(fc.oneof(identifier, fc.constantFrom('k8s.pod.name', 'with space', 'a-b')), tie('value')), { maxLength: 3 })
      .map((fields) => Object.fromEntries(fields) as AlloyObject),
  ),
})).value;

/** Values whose operands print on one line: the printer refuses multi-line operands. */
function printable(v: AlloyValue): boolean {
  try {
    printFile([block('b', undefined, [attribute('a', v)])]);
    return true;
  } catch {
    return false;
  }
}

const statements: fc.Arbitrary<Statement[]> = fc.letrec<{ body: Statement[]; top: Statement[] }>((tie) => ({
  body: fc.array(fc.oneof(
    { depthSize: 'small' },
    fc.tuple(identifier, value.filter(printable)).map(([n, v]) => attribute(n, v)),
    fc.constantFrom('note', '', 'second line').map((t) => comment(t)),
    fc.tuple(dotted, fc.option(identifier, { nil: undefined }), tie('body')).map(([n, l, b]) => block(n, l, b)),
  ), { maxLength: 4 }),
  top: fc.array(fc.oneof(
    fc.constantFrom('top note').map((t) => comment(t)),
    fc.tuple(dotted, fc.option(identifier, { nil: undefined }), tie('body')).map(([n, l, b]) => block(n, l, b)),
  ), { maxLength: 4 }),
})).top;

/** The statements as plain data: what must survive the round trip. */
const plain = (statements: Statement[]): unknown => JSON.parse(JSON.stringify(statements, (_key, v: unknown) => {
  if (v instanceof Expr) {
    return { expr: v.constructor.name, ...v, alloyExpression: undefined, target: undefined };
  }
  return v;
}));

describe('fuzz: print, then parse', () => {
  test('any statements the printer prints parse back to the same statements, and print the same text', () => {
    fc.assert(fc.property(statements, (stmts) => {
      const printed = printFile(stmts);
      const parsed = toStatements(parseFileOrThrow(printed));
      expect(plain(parsed)).toEqual(plain(stmts));
      expect(printFile(parsed)).toBe(printed);
    }), { numRuns: 1500 });
  });

  test('the seeded random configs of the alloy fmt checks round-trip too', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const printed = printFile(randomStatements(seed));
      expect(printFile(toStatements(parseFileOrThrow(printed)))).toBe(printed);
    }
  });
});

describe('fuzz: broken text', () => {
  const config = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'dist', 'prod', 'alloy', 'config.alloy'), 'utf-8');

  const checkNeverThrows = (input: string): void => {
    const { file, diagnostics } = parseFile(input, 'f.alloy');
    const lines = input.split('\n').length;
    for (const d of diagnostics) {
      expect(d.position.line).toBeGreaterThanOrEqual(1);
      expect(d.position.line).toBeLessThanOrEqual(lines);
      expect(d.position.column).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toBe('');
    }
    expect(file.source.text).toBe(input);
  };

  test('any text parses without throwing, with every problem inside the file', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), checkNeverThrows), { numRuns: 1000 });
  });

  test('a real config with characters deleted, inserted or swapped parses without throwing', () => {
    const edit = fc.tuple(fc.nat(config.length - 1), fc.nat(20), fc.constantFrom('', '"', '{', '}', '[', ']', '(', ')', ',', '=', '\n', '/*', '//', '`', '\\', '.', '+'));
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
      let input = config;
      for (const [at, remove, insert] of edits) {
        input = input.slice(0, at) + insert + input.slice(at + remove);
      }
      checkNeverThrows(input);
    }), { numRuns: 600 });
  });
});
