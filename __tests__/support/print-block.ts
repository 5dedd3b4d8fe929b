/** Printing statements inside one block `x { }`, for the printer's layout tests. */
import { AlloyValue, Statement, block, formatSource, printFile } from '../../lib/alloy/syntax';
import { prng, randomStatements } from './random-alloy';

/** Prints one block holding `attrs`, checks that alloy fmt (formatSource) keeps the text as it is, and returns its body lines. */
export function printed(...attrs: Statement[]): string {
  const text = printFile([block('x', undefined, attrs)]);
  expect(formatSource(text)).toBe(text);
  return text.slice('x {\n'.length, -'}\n'.length);
}

/** The message the printer refuses one block holding `attrs` with. */
export function printError(...attrs: Statement[]): string {
  try {
    printFile([block('x', undefined, attrs)]);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the printer to refuse it');
}

/**
 * The property both layout tests hold the printer to: 400 seeded random configs, each value
 * marked by `mark` (given the seed's random numbers), print as alloy fmt keeps them, or are
 * refused with `refusal`; and the marks change the text of enough of them to matter.
 */
export function expectMarkedConfigsKeepAlloyFmt(salt: number, mark: (rnd: () => number, value: AlloyValue) => AlloyValue, refusal: RegExp): void {
  let differing = 0;
  let checked = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = prng(seed * salt);
    const walk = (s: Statement): Statement => (s.kind === 'attribute' ? { ...s, value: mark(rnd, s.value) } : s.kind === 'block' ? { ...s, body: s.body.map(walk) } : s);
    const plain = randomStatements(seed);
    let text: string;
    try {
      text = printFile(plain.map(walk));
    } catch (e) {
      expect((e as Error).message).toMatch(refusal);
      continue;
    }
    checked++;
    if (text !== printFile(plain)) differing++;
    expect(formatSource(text)).toBe(text);
  }
  expect(checked).toBeGreaterThan(150);
  expect(differing).toBeGreaterThan(50);
}
