/**
 * String literals in the style of Go's `strconv.Quote`, which Alloy's scanner reads back.
 *
 * Every character that could end the string or change the file's structure is escaped:
 * `"` and `\`, line breaks, tabs and every other control or non-printable character, so no
 * value, whatever it holds, can leave its string or inject configuration. Printable
 * characters, non-ASCII letters among them, are kept as they are.
 */

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Characters Go's `unicode.IsPrint` accepts: letters, marks, numbers, punctuation, symbols, ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Returns `value` as a double-quoted Alloy string literal. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new Error(
        `string literal: lone UTF-16 surrogate U+${code.toString(16).toUpperCase()} in ${JSON.stringify(value)}; ` +
        'Alloy strings hold valid Unicode only: remove the broken character',
      );
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (code < 0x80) {
      out += '\\x' + code.toString(16).padStart(2, '0');
    } else if (code <= 0xffff) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + code.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}
