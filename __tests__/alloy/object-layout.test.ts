/**
 * Layout.oneLine on objects and Layout.quotedKeys: `{a = 1, b = "x"}` and `"__address__" = ...`,
 * as hand-written files and `alloy fmt` keep them. Every text printed with these marks is what
 * formatSource (our port of alloy fmt) returns for it, including its quirk of aligning the inner
 * `=` of one-line objects on consecutive lines.
 */
import { AlloyConfig, Expr, Layout } from '../../lib/alloy';
import { Testing } from 'cdk8s';
import { PrometheusScrape } from '../../imports/alloy';
import {
  AlloyValue, attribute as a, objectLayoutOf, printValue, quotedKeysOf,
} from '../../lib/alloy/syntax';
import { expectMarkedConfigsKeepAlloyFmt, printError, printed } from '../support/print-block';


const addr = (address: string): Record<string, string> => Layout.oneLine(Layout.quotedKeys({ __address__: address }));

describe('the marks', () => {
  test('return the same object, typed as it was, and mark it, leaving it unchanged', () => {
    const o = { __address__: 'a:1', job: 'x' };
    expect(Layout.oneLine(o)).toBe(o);
    expect(objectLayoutOf(o)).toBe('oneLine');
    expect(Layout.quotedKeys(o, ['__address__'])).toBe(o);
    expect([...quotedKeysOf(o)!]).toEqual(['__address__']);
    Layout.quotedKeys(o);
    expect([...quotedKeysOf(o)!]).toEqual(['__address__', 'job']);
    expect(Object.getOwnPropertyNames(o)).toEqual(['__address__', 'job']);
    expect(JSON.stringify(o)).toBe('{"__address__":"a:1","job":"x"}');
    expect(objectLayoutOf({})).toBeUndefined();
  });

  test('fail on what is not an object literal, or on keys the object does not have', () => {
    expect(() => Layout.quotedKeys(Expr.ref('a.b') as unknown as object)).toThrow(
      'Layout.quotedKeys: expected an object literal (got an expression); pass the object to lay out, such as Layout.quotedKeys({ __address__: "host:port" })',
    );
    expect(() => Layout.oneLine(Expr.env('X'))).toThrow('Layout.oneLine: expected an object literal (got an expression)');
    expect(() => Layout.quotedKeys({ a: 1 } as Record<string, number>, ['b'])).toThrow(
      'Layout.quotedKeys: "b" is not a key of the object (its keys: "a"); name keys the object has',
    );
  });
});

describe('the printer honours the marks, in alloy fmt form', () => {
  test('a one-line object in a list, with a quoted key', () => {
    expect(printed(a('targets', [addr('127.0.0.1:12345')]))).toBe('\ttargets = [{"__address__" = "127.0.0.1:12345"}]\n');
  });

  test('quoted keys in a multi-line object align like any key', () => {
    expect(printed(a('o', Layout.quotedKeys({ a: 1, long_key: 2 }, ['a'])))).toBe('\to = {\n\t\t"a"      = 1,\n\t\tlong_key = 2,\n\t}\n');
  });

  test('a one-line object as an attribute, aligned with its neighbours by name only when alone', () => {
    expect(printed(a('a', 1), a('labels', Layout.oneLine({ job: 'x', instance: 'y' })), a('bbbbbbbb', 2))).toBe(
      '\ta        = 1\n\tlabels   = {job = "x", instance = "y"}\n\tbbbbbbbb = 2\n',
    );
  });

  test('one-line objects on consecutive lines get their inner = aligned, as alloy fmt does', () => {
    expect(printed(a('x', Layout.oneLine({ a: 1, ccc: 3 })), a('yy', Layout.oneLine({ bb: 2 })))).toBe(
      '\tx  = {a  = 1, ccc = 3}\n\tyy = {bb = 2}\n',
    );
  });

  test('elements of a list over lines stand alone: no alignment between them', () => {
    expect(printed(a('targets', Layout.lines([addr('a:1'), Layout.oneLine({ longer_key: 'b', c: 'd' })])))).toBe(
      '\ttargets = [\n\t\t{"__address__" = "a:1"},\n\t\t{longer_key = "b", c = "d"},\n\t]\n',
    );
  });

  test('printValue resolves the cells', () => {
    expect(printValue(Layout.oneLine({ a: 1 }), 0)).toBe('{a = 1}');
  });

  test('400 random configs, objects and lists marked at random: alloy fmt keeps every text the printer prints', () => {
    const mark = (rnd: () => number, v: AlloyValue): AlloyValue => {
      if (Array.isArray(v)) {
        const copy = (v as AlloyValue[]).map((x) => mark(rnd, x));
        const r = rnd();
        return copy.length > 0 && r < 0.3 ? Layout.lines(copy) : r < 0.6 ? Layout.oneLine(copy) : copy;
      }
      if (v !== null && typeof v === 'object' && v.constructor === Object) {
        const copy = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(rnd, x as AlloyValue)]));
        if (rnd() < 0.7) Layout.oneLine(copy);
        if (rnd() < 0.5) Layout.quotedKeys(copy);
        return copy;
      }
      return v;
    };
    expectMarkedConfigsKeepAlloyFmt(104729, mark, /^alloy (list|object) .+: marked Layout\.oneLine, but (element \d+|field .+) spans several lines/);
  });
});

describe('what the printer refuses, and how it says so', () => {
  test('a one-line object holding a value printed over lines', () => {
    expect(printError(a('o', Layout.oneLine({ inner: { a: 1 } })))).toBe(
      'alloy object o: marked Layout.oneLine, but field inner spans several lines (got "{ ..."); a one-line object holds one-line values only ' +
      '(an object not marked Layout.oneLine is printed over lines, and so is a list marked Layout.lines or longer than 80 characters): ' +
      'leave out Layout.oneLine, or mark the inner value Layout.oneLine',
    );
  });

  test('fails at synth with the construct path', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    new PrometheusScrape(cfg, 'pods', { targets: [Layout.oneLine({ __address__: Layout.lines(['a:1']) as unknown as string })], dropOutput: true, forwardTo: [] });
    expect(() => cfg.render()).toThrow(/^test\/alloy\/pods: alloy object targets\[0\]: marked Layout\.oneLine, but field __address__ spans several lines/);
  });
});
