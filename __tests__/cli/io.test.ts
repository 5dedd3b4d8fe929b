/**
 * Files are read as UTF-8 or not at all: Alloy refuses a file that is not UTF-8, and a
 * formatter that replaced the bad bytes and wrote the file back would change it.
 */
import { decodeUtf8 } from '../../lib/cli/io';

const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

test('UTF-8 text reads as it is, a byte order mark and characters outside the BMP included', () => {
  expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'a = "é 😀 名前"\n'))).toBe('\ufeffa = "é 😀 名前"\n');
  expect(decodeUtf8(Buffer.alloc(0))).toBe('');
});

test.each([
  ['a byte that starts no sequence', bytes('a {\n\tb = "x', [0xff], '"\n}\n'), 'line 2, column 8: byte 0xff'],
  ['a Latin-1 letter', bytes('// caf', [0xe9], '\n'), 'line 1, column 7: byte 0xe9'],
  ['an overlong encoding', bytes('x', [0xc0, 0x80]), 'line 1, column 2: byte 0xc0'],
  ['a UTF-16 surrogate', bytes('\n\n', [0xed, 0xa0, 0x80]), 'line 3, column 1: byte 0xed'],
  ['a code point above U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 'line 1, column 1: byte 0xf4'],
  ['a sequence cut off by the end of the file', bytes('ok ', [0xe2, 0x82]), 'line 1, column 4: byte 0xe2'],
])('fails on %s, at its line and column in bytes, with the fix', (_what, input, where) => {
  expect(() => decodeUtf8(input)).toThrow(`${where} is not UTF-8 (Alloy refuses the file: "illegal UTF-8 encoding"); save the file as UTF-8 text`);
});
