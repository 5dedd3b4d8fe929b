/**
 * The catalogue of wrong inputs (__tests__/support/bad-input-catalogue.ts): each fails with
 * what is wrong, the value and the fix; docs/bad-input.md lists every case.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CATALOGUE, badInputDoc } from './support/bad-input-catalogue';

describe('bad input', () => {
  test('the catalogue has at least 40 cases', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CATALOGUE.map(([area, name, run, message]) => [`${area}: ${name}`, run, message]))('%s', (_, run, message) => {
    expect(run as () => unknown).toThrow(message as string);
  });

  test('docs/bad-input.md lists every case with the message it gets now (npm run docs:bad-input rewrites it)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'bad-input.md'), 'utf-8');
    expect(doc).toBe(badInputDoc());
  });
});
