/**
 * A strict reader of Alloy string literals, written from Alloy's scanner rules (escapes
 * \a \b \f \n \r \t \v \\ \" \ooo \xhh \uhhhh \Uhhhhhhhh; no raw newline inside; no
 * surrogate code points). Returns the value and how many characters the literal took, so
 * a test can tell whether a literal ends where it should.
 */
const SIMPLE: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

export function readAlloyString(text: string): { value: string; length: number } {
  if (text[0] !== '"') throw new Error('literal must start with "');
  let value = '';
  let i = 1;
  const cps = [...text];
  // work on code points so astral characters stay whole
  let pos = 1;
  const take = (): string => {
    const ch = cps[pos++];
    if (ch === undefined) throw new Error('unterminated string');
    i += ch.length;
    return ch;
  };
  for (;;) {
    const ch = take();
    if (ch === '"') return { value, length: i };
    if (ch === '\n') throw new Error('raw newline in string');
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const esc = take();
    if (SIMPLE[esc] !== undefined) {
      value += SIMPLE[esc];
      continue;
    }
    let digits: number;
    let base: number;
    let first = '';
    if (/[0-7]/.test(esc)) {
      digits = 2; base = 8; first = esc;
    } else if (esc === 'x') {
      digits = 2; base = 16;
    } else if (esc === 'u') {
      digits = 4; base = 16;
    } else if (esc === 'U') {
      digits = 8; base = 16;
    } else {
      throw new Error(`unknown escape \\${esc}`);
    }
    let num = first;
    for (let k = 0; k < digits; k++) num += take();
    if (!(base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/).test(num)) throw new Error(`bad digits in escape \\${esc}${num}`);
    const code = parseInt(num, base);
    if (Number.isNaN(code) || (base === 8 && code > 255) || code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) {
      throw new Error(`bad escape \\${esc}${num}`);
    }
    value += String.fromCodePoint(code);
  }
}
