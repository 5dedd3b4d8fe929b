/**
 * Property-based tests (fast-check): escaping, identifier validation and determinism hold for
 * any input, not only for the cases we thought of.
 */
import fc from 'fast-check';
import { Testing } from 'cdk8s';
import { LokiWrite, OtelcolExporterLoki } from '../../imports/alloy';
import { AlloyConfig, isIdentifier, printFile, quote } from '../../lib/alloy';
import { readAlloyString } from '../support/alloy-string';
import { randomStatements } from '../support/random-alloy';

/** Any string of valid Unicode (no lone surrogates): quotes, backslashes, controls, braces, astral planes. */
const anyText = fc.string({ unit: 'grapheme-composite', maxLength: 40 });
const hostile = fc.array(fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '}', '{', '${', '//', '/*', '\u2028', '\u00a0', 'é', '😀', '`', "'"), { maxLength: 20 }).map((xs) => xs.join(''));
const text = fc.oneof(anyText, hostile, fc.string({ unit: 'binary', maxLength: 30 }));

describe('fuzz: string literals', () => {
  test('any string decodes back to itself with an independent Go-style decoder', () => {
    fc.assert(fc.property(text, (s) => {
      expect(readAlloyString(quote(s)).value).toBe(s);
    }), { numRuns: 3000 });
  });

  test('no string can end its literal early or leave the line', () => {
    fc.assert(fc.property(text, text, (s, after) => {
      const literal = quote(s);
      // what follows the literal is read as code, never as part of it
      expect(readAlloyString(`${literal}${quote(after)}`).length).toBe(literal.length);
      expect(literal).not.toMatch(/[\u0000-\u001f\u007f\u2028\u2029]/);
    }), { numRuns: 2000 });
  });

  test('a hostile string inside a config stays one attribute of one block', () => {
    fc.assert(fc.property(text, (s) => {
      const cfg = new AlloyConfig(Testing.chart(), 'alloy');
      new LokiWrite(cfg, 'w', { externalLabels: { value: s } });
      const rendered = cfg.render();
      const lines = rendered.split('\n');
      // header, block open, attribute open, the field, attribute close, block close, final newline
      expect(lines.filter((l) => /^[a-z]/.test(l))).toEqual(['loki.write "w" {']);
      expect(lines.filter((l) => l.startsWith('\t\tvalue = '))).toHaveLength(1);
    }), { numRuns: 500 });
  });
});

describe('fuzz: identifiers and labels', () => {
  /** An independent reading of Alloy's identifier grammar, character by character. */
  const independent = (s: string): boolean => {
    const chars = [...s];
    if (chars.length === 0 || ['true', 'false', 'null'].includes(s)) return false;
    const letter = (c: string) => c === '_' || /\p{L}/u.test(c);
    const digit = (c: string) => /\p{Nd}/u.test(c);
    return letter(chars[0]) && chars.every((c) => letter(c) || digit(c));
  };
  const candidates = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
    fc.constantFrom('true', 'false', 'null', '_', '1a', 'a-b', 'a.b', '名前', 'ünï', 'a b', ''),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );

  test('label validation accepts exactly the identifier grammar', () => {
    fc.assert(fc.property(candidates, (s) => {
      expect(isIdentifier(s)).toBe(independent(s));
    }), { numRuns: 5000 });
  });

  test('a component accepts a label exactly when it is an identifier', () => {
    fc.assert(fc.property(candidates, (label) => {
      const cfg = new AlloyConfig(Testing.chart(), 'alloy');
      const make = () => new OtelcolExporterLoki(cfg, 'e', { label, forwardTo: [], dropOutput: true });
      if (independent(label)) expect(make).not.toThrow();
      else expect(make).toThrow('invalid label');
    }), { numRuns: 1000 });
  });
});

describe('fuzz: determinism', () => {
  test('the same statements always print the same bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      expect(printFile(randomStatements(seed))).toBe(printFile(randomStatements(seed)));
    }), { numRuns: 300 });
  });

  test('the same config always renders the same bytes', () => {
    fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), text, { maxKeys: 5 }), (labels) => {
      const render = () => {
        const cfg = new AlloyConfig(Testing.chart(), 'alloy');
        new LokiWrite(cfg, 'w', { externalLabels: labels, endpoint: { url: 'http://loki:3100/loki/api/v1/push' } });
        return cfg.render();
      };
      expect(render()).toBe(render());
    }), { numRuns: 300 });
  });
});
