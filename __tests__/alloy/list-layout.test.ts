/**
 * Layout.lines and Layout.oneLine: a list printed one element per line however short, or on one
 * line however long, as hand-written files and `alloy fmt` keep them. Every text printed with a
 * mark is what formatSource (our port of alloy fmt) returns for it: the proof it is alloy fmt form.
 */
import { Testing } from 'cdk8s';
import { PrometheusRemoteWrite, PrometheusScrape } from '../../imports/alloy';
import { AlloyConfig, Expr, Layout } from '../../lib/alloy';
import {
  AlloyObject, AlloyValue, attribute as a, formatSource, listLayoutOf,
} from '../../lib/alloy/syntax';
import { expectMarkedConfigsKeepAlloyFmt, printError, printed } from '../support/print-block';

const LONG = Array.from({ length: 8 }, (_, i) => `element-number-${i}`);


describe('the marks', () => {
  test('return the same array, typed as it was, and mark it; unmarked arrays have no layout', () => {
    const list = ['a', 'b'];
    expect(Layout.lines(list)).toBe(list);
    expect(listLayoutOf(list)).toBe('lines');
    const frozen = Object.freeze([1, 2]);
    expect(Layout.oneLine(frozen)).toBe(frozen);
    expect(listLayoutOf(frozen)).toBe('oneLine');
    expect(listLayoutOf([1])).toBeUndefined();
    // the array is unchanged: no property a spread, JSON or a deep equality would see
    expect(Object.getOwnPropertyNames(list)).toEqual(['0', '1', 'length']);
    expect(Object.getOwnPropertySymbols(list)).toEqual([]);
    expect(JSON.stringify(list)).toBe('["a","b"]');
    // marking twice the same way is harmless
    expect(Layout.lines(list)).toBe(list);
  });

  test('fails when one array is marked both ways, saying to pass a copy', () => {
    const list = ['a'];
    Layout.lines(list);
    expect(() => Layout.oneLine(list)).toThrow(
      'Layout.oneLine: this array is already marked Layout.lines (got a list of 1 element); an array has one layout: pass a copy ([...list]) to lay it out otherwise',
    );
    expect(Layout.oneLine([...list])).toEqual(['a']);
  });

  test('fails when given something other than an array', () => {
    expect(() => Layout.lines('a' as unknown as string[])).toThrow(
      'Layout.lines: expected a list (got string); pass the array to lay out, such as Layout.lines([a, b])',
    );
    expect(() => Layout.oneLine(null as unknown as string[])).toThrow('Layout.oneLine: expected a list (got null)');
  });
});

describe('the printer honours the marks, in alloy fmt form', () => {
  test('without a mark nothing changes: one line up to 80 characters, one element per line beyond', () => {
    expect(printed(a('short', ['a']), a('long', LONG))).toBe(
      '\tshort = ["a"]\n\tlong  = [\n' + LONG.map((e) => `\t\t"${e}",\n`).join('') + '\t]\n',
    );
  });

  test('Layout.lines: a short list one element per line, each followed by a comma', () => {
    expect(printed(a('forward_to', Layout.lines([Expr.ref('prometheus.remote_write.default.receiver')])))).toBe(
      '\tforward_to = [\n\t\tprometheus.remote_write.default.receiver,\n\t]\n',
    );
  });

  test('Layout.oneLine: a long list on one line, aligned with its group like any one-line value', () => {
    expect(printed(a('a', 1), a('long', Layout.oneLine([...LONG])), a('bbb', 2))).toBe(
      `\ta    = 1\n\tlong = [${LONG.map((e) => `"${e}"`).join(', ')}]\n\tbbb  = 2\n`,
    );
  });

  test('a list marked lines ends the alignment group after it, and aligns with the group above', () => {
    expect(printed(a('a', 1), a('list', Layout.lines([1])), a('bbbbbb', 2), a('c', 3))).toBe(
      '\ta    = 1\n\tlist = [\n\t\t1,\n\t]\n\tbbbbbb = 2\n\tc      = 3\n',
    );
  });

  test('lists inside objects: marked fields print as marked; a multi-line field ends the alignment group after it', () => {
    const object: AlloyObject = { a: Layout.lines(['x']), long_name: Layout.oneLine([...LONG]), b: 1, 'k8s.pod.name': Layout.lines([1, 2]) };
    expect(printed(a('obj', object))).toBe(
      '\tobj = {\n\t\ta = [\n\t\t\t"x",\n\t\t],\n' +
      `\t\tlong_name      = [${LONG.map((e) => `"${e}"`).join(', ')}],\n\t\tb              = 1,\n` +
      '\t\t"k8s.pod.name" = [\n\t\t\t1,\n\t\t\t2,\n\t\t],\n\t}\n',
    );
  });

  test('nested lists: each list as marked, inner lists indented one level further', () => {
    expect(printed(
      a('lines_of_lines', Layout.lines([Layout.lines([1]), [2, 3], Layout.oneLine([...LONG])])),
      a('one_line_of_lists', Layout.oneLine([[1, 2], [], Layout.oneLine(['a'])])),
    )).toBe(
      '\tlines_of_lines = [\n\t\t[\n\t\t\t1,\n\t\t],\n\t\t[2, 3],\n' +
      `\t\t[${LONG.map((e) => `"${e}"`).join(', ')}],\n\t]\n` +
      '\tone_line_of_lists = [[1, 2], [], ["a"]]\n',
    );
  });

  test('lists as arguments of calls: the call keeps its line, the list its layout', () => {
    expect(printed(
      a('concat', Expr.call('array.concat', Layout.lines(['a', 'b']), Layout.lines([Expr.env('X')]))),
      a('one', Expr.call('array.concat', Layout.oneLine([...LONG]), ['c'])),
      a('in_list', Layout.lines([Expr.call('f', Layout.lines([1]))])),
    )).toBe(
      '\tconcat = array.concat([\n\t\t"a",\n\t\t"b",\n\t], [\n\t\tsys.env("X"),\n\t])\n' +
      `\tone     = array.concat([${LONG.map((e) => `"${e}"`).join(', ')}], ["c"])\n` +
      '\tin_list = [\n\t\tf([\n\t\t\t1,\n\t\t]),\n\t]\n',
    );
  });

  test('a list of objects marked lines prints as it does without the mark', () => {
    const targets = [{ __address__: 'localhost:12345' }];
    const plain = printed(a('targets', targets));
    expect(printed(a('targets', Layout.lines([...targets])))).toBe(plain);
    expect(plain).toBe('\ttargets = [\n\t\t{\n\t\t\t__address__ = "localhost:12345",\n\t\t},\n\t]\n');
  });

  test('400 random configs, every list marked at random: alloy fmt keeps every text the printer prints', () => {
    const mark = (rnd: () => number, v: AlloyValue): AlloyValue => {
      if (Array.isArray(v)) {
        const copy = (v as AlloyValue[]).map((x) => mark(rnd, x));
        const r = rnd();
        return copy.length > 0 && r < 0.4 ? Layout.lines(copy) : r < 0.7 ? Layout.oneLine(copy) : copy;
      }
      if (v !== null && typeof v === 'object' && v.constructor === Object) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(rnd, x as AlloyValue)]));
      }
      return v;
    };
    // the only refusal: a one-line list holding a multi-line element
    expectMarkedConfigsKeepAlloyFmt(7919, mark, /^alloy list .+: marked Layout\.oneLine, but element \d+ spans several lines/);
  });
});

describe('what the printer refuses, and how it says so', () => {
  test('fails when a list marked lines is empty: alloy fmt prints [] on one line', () => {
    expect(printError(a('forward_to', Layout.lines([])))).toBe(
      'alloy list forward_to: marked Layout.lines, but it is empty (got []); alloy fmt prints an empty list as [] on one line: leave out Layout.lines',
    );
  });

  test('fails when a list marked oneLine holds an object or a list printed over lines, naming where it stands', () => {
    expect(printError(a('targets', Layout.oneLine([{ __address__: 'a' }])))).toBe(
      'alloy list targets: marked Layout.oneLine, but element 0 spans several lines (got "{ ..."); a one-line list holds one-line elements only ' +
      '(an object is printed over lines, and so is a list marked Layout.lines or longer than 80 characters): leave out Layout.oneLine, or mark the inner list Layout.oneLine',
    );
    expect(printError(a('o', { 'k.v': [1, Layout.oneLine([2, LONG])] }))).toMatch(/^alloy list o\["k\.v"\]\[1\]: marked Layout\.oneLine, but element 1 spans several lines \(got "\[ \.\.\."\)/);
    expect(printError(a('c', Expr.call('f', 1, Layout.oneLine([Layout.lines([1])]))))).toMatch(/^alloy list c > f\(#2\): marked Layout\.oneLine, but element 0 spans/);
  });

  test('fails when a list marked lines is an operand', () => {
    expect(printError(a('i', Expr.index(Layout.lines([1, 2]), 0)))).toBe(
      'alloy expression: an operand spans several lines (got "[\\n\\t\\t1,\\n\\t\\t2,\\n\\t]"); use short lists (not marked Layout.lines) and no objects inside operators',
    );
  });

  test('fails at synth with the construct path when a component holds such a list', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    new PrometheusScrape(cfg, 'pods', { targets: Layout.oneLine([{ __address__: 'a:1' }]), dropOutput: true, forwardTo: [] });
    expect(() => cfg.render()).toThrow(/^test\/alloy\/pods: alloy list targets: marked Layout\.oneLine, but element 0 spans several lines/);
  });
});

describe('typed props take marked lists', () => {
  test('forwardTo: Layout.lines([rw.receiver]) type-checks and renders one receiver per line', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy', { header: false });
    const rw = new PrometheusRemoteWrite(cfg, 'default', { endpoint: { url: 'http://mimir/api/v1/push' } });
    new PrometheusScrape(cfg, 'pods', {
      targets: Layout.lines([{ __address__: 'localhost:12345' }]),
      forwardTo: Layout.lines([rw.receiver]),
      scrapeInterval: '30s',
    });
    const text = cfg.render();
    expect(formatSource(text)).toBe(text);
    expect(text).toContain('\tforward_to = [\n\t\tprometheus.remote_write.default.receiver,\n\t]\n\tscrape_interval = "30s"\n');
  });
});
