import * as path from 'path';
import {
  AlloyValue, Expr, Statement, attribute as a, block as b, comment as c, printFile, printValue,
} from '../../../lib/alloy/syntax';
import { expectGolden } from '../../support/golden';

const golden = (name: string, statements: Statement[]) =>
  expectGolden(path.join(__dirname, 'golden', `${name}.alloy`), printFile(statements));

describe('printer: one golden file per rule of ALLOY_FORMAT.md', () => {
  test('an empty file is a single newline', () => {
    expect(printFile([])).toBe('\n');
    golden('empty-file', []);
  });

  test('a group of attributes aligns its = one column after the longest name', () => {
    golden('align-group', [b('block', undefined, [a('a', 1), a('bbb', 2), a('cc', 'x')])]);
  });

  test('width counts code points, not UTF-16 units or bytes', () => {
    golden('align-unicode', [b('block', undefined, [a('名前', 1), a('abc', 2), a('𝒳', 3)])]);
  });

  test('a group ends at a comment line and at a block', () => {
    golden('group-ends', [b('block', undefined, [
      a('a', 1), a('long_name', 2),
      c('a comment starts a new group'),
      a('b', 3), a('cc', 4),
      b('inner', undefined, [a('x', true)]),
      a('after_block', null), a('z', false),
    ])]);
  });

  test('a multi-line value ends its group after it but aligns with the group above', () => {
    golden('multiline-ends-group', [b('block', undefined, [
      a('a', 1),
      a('object_value', { key: 'v', longer_key: 2 }),
      a('b', 3),
      a('next_name', 4),
    ])]);
  });

  test('an empty block is printed with one space between braces', () => {
    golden('empty-block', [b('otelcol.receiver.otlp', 'default', [b('http', undefined, [])]), b('logging', undefined, [])]);
  });

  test('blocks after the first statement get exactly one blank line; none after { or before }', () => {
    golden('blank-lines', [
      b('first', undefined, [a('x', 1), b('one', undefined, [a('y', 2)]), b('two', undefined, [])]),
      b('second', 'label_2', [b('nested', undefined, [b('deeper', undefined, [a('z', 'tabs indent')])])]),
    ]);
  });

  test('a comment right above a block takes the blank line before itself', () => {
    golden('comments', [
      c('file header'),
      c(''),
      b('a', undefined, [a('x', 1), c('about block b'), b('b', undefined, [])]),
      c('about c'),
      b('c', 'x', [c('first statement of a body')]),
    ]);
  });

  test('strings are double-quoted with Go escapes', () => {
    golden('strings', [b('block', undefined, [
      a('plain', 'hello'),
      a('quote', 'say "hi"'),
      a('backslash', 'C:\\path'),
      a('newline', 'a\nb'),
      a('tab', 'a\tb'),
      a('carriage_return', 'a\rb'),
      a('controls', '\u0000\u0007\b\f\v\u001b\u007f'),
      a('non_ascii', 'ünïcødé ✓ 名前 😀'),
      a('invisible', 'nbsp\u00a0zwsp\u200bline\u2028end\ufeff'),
      a('astral_private', '\u{10fffd}'),
      a('braces', '} ] ) {'),
      a('interpolation', '${HOME} $1'),
    ])]);
  });

  test('numbers, booleans and null', () => {
    golden('scalars', [b('block', undefined, [
      a('zero', 0), a('negative_zero', -0), a('int', 42), a('negative', -7), a('float', 3.25),
      a('small', 0.000001), a('tiny', 1e-7), a('big', 123456789012), a('huge', 1e21),
      a('yes', true), a('no', false), a('nothing', null),
    ])]);
  });

  test('lists: [] when empty, one line when short, one element per line with trailing commas otherwise', () => {
    const long = Array.from({ length: 8 }, (_, i) => `element-number-${i}`);
    golden('lists', [b('block', undefined, [
      a('empty', []),
      a('short', [1, 2, 3]),
      a('refs', [Expr.ref('a.b.c.input'), Expr.ref('d.e.f.input')]),
      a('long', long),
      a('of_objects', [{ a: 1 }, { bb: 2, c: 'x' }]),
      a('nested', [[1, 2], []]),
      a('after', 'x'),
    ])]);
  });

  test('objects: {} when empty, otherwise one field per line, aligned, with trailing commas', () => {
    golden('objects', [b('block', undefined, [
      a('empty', {}),
      a('only_undefined', { skipped: undefined }),
      a('fields', { a: 1, longer: 'two', skipped: undefined, list: ['x'] }),
      a('quoted_keys', { 'k8s.pod.name': 'p', 'with space': 1, plain: 2, 'ünï': 3 }),
      a('nested', { outer: { inner: { deepest: true } }, after: 1 }),
    ])]);
  });

  test('calls, references, operators and indexes', () => {
    golden('expressions', [b('block', undefined, [
      a('env', Expr.env('API_TOKEN')),
      a('call', Expr.call('encoding.from_base64', 'aGk=')),
      a('nested_call', Expr.call('string.format', '%s-%d', Expr.env('X'), 3)),
      a('reference', Expr.ref('otelcol.processor.batch.default.input')),
      a('operators', Expr.op(Expr.op(1, '+', 2), '*', Expr.neg(3))),
      a('logic', Expr.op(Expr.op(Expr.ref('a.b'), '==', 'x'), '&&', Expr.not(true))),
      a('index', Expr.index(Expr.call('f', 1), 0)),
      a('field', Expr.index(Expr.ref('remote.kubernetes.secret.creds.data'), 'password')),
    ])]);
  });
});

describe('printer: errors', () => {
  const fails = (statements: Statement[]) => () => printFile(statements);

  test('fails when an attribute stands at the top level', () => {
    expect(fails([a('x', 1)])).toThrow('alloy file: attribute "x" at the top level; attributes belong inside a block');
  });

  test('fails when an attribute name is not an identifier', () => {
    expect(fails([b('x', undefined, [a('bad-name', 1)])])).toThrow('invalid attribute name (got "bad-name")');
    expect(fails([b('x', undefined, [a('true', 1)])])).toThrow('invalid attribute name (got "true")');
    expect(fails([b('x', undefined, [a('1abc', 1)])])).toThrow('invalid attribute name (got "1abc")');
  });

  test('fails when a label is not an identifier', () => {
    expect(fails([b('x', 'my-label', [])])).toThrow('alloy block x: invalid label (got "my-label")');
    expect(fails([b('x', 'has space', [])])).toThrow('invalid label (got "has space")');
    expect(fails([b('x', '', [])])).toThrow('invalid label (got "")');
  });

  test('fails when a block name is not dotted identifiers', () => {
    expect(fails([b('otelcol..otlp', undefined, [])])).toThrow('invalid block name (got "otelcol..otlp")');
    expect(fails([b('a.b-c', undefined, [])])).toThrow('invalid block name (got "a.b-c")');
  });

  test('fails when a comment holds a newline', () => {
    expect(fails([c('two\nlines')])).toThrow('alloy comment: must be one line');
  });

  test('fails when a number is not finite', () => {
    expect(() => printValue(NaN, 0)).toThrow('alloy number: not a finite number (got NaN)');
    expect(() => printValue(Infinity, 0)).toThrow('(got Infinity)');
  });

  test('fails when a string holds a lone surrogate', () => {
    expect(() => printValue('bad \ud800 char', 0)).toThrow('string literal: lone UTF-16 surrogate U+D800');
  });

  test('fails when an object key holds a backslash', () => {
    expect(() => printValue({ 'a\\b': 1 }, 0)).toThrow('holds a backslash');
  });

  test('fails when a value is of an unsupported type', () => {
    expect(() => printValue(undefined as unknown as AlloyValue, 0)).toThrow('alloy value: unsupported value of type undefined');
    expect(() => printValue((() => 1) as unknown as AlloyValue, 0)).toThrow('unsupported value of type function');
  });

  test('fails when a reference path or function name is not dotted identifiers', () => {
    expect(() => Expr.ref('a.b-c')).toThrow('reference: invalid path (got "a.b-c")');
    expect(() => Expr.call('sys env', 'x')).toThrow('function call: invalid function name (got "sys env")');
  });

  test('fails when an operator is unknown or an operand spans lines', () => {
    expect(() => Expr.op(1, '<>' as never, 2)).toThrow('operator: unknown binary operator (got "<>"); use one of || && == != < <= > >= + - * / % ^');
    expect(() => printValue(Expr.op({ a: 1 }, '+', 1), 0)).toThrow('alloy expression: an operand spans several lines');
  });

  test('fails when an expression is of an unknown kind', () => {
    class Strange extends Expr {}
    expect(() => printValue(new Strange(), 0)).toThrow('alloy expression: unknown kind of expression (got Strange); use Expr.ref, Expr.call, Expr.op, Expr.not, Expr.neg or Expr.index');
  });
});
