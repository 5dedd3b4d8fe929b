/** Printing statements inside one block `x { }`, for the printer's layout tests. */
import { Statement, block, formatSource, printFile } from '../../lib/alloy/syntax';

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
