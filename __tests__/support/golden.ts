/**
 * Golden files: expected output kept beside the tests. `UPDATE_GOLDEN=1 npm test` rewrites
 * them from the current output; review the diff before committing.
 */
import * as fs from 'fs';
import * as path from 'path';

export function expectGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  if (!fs.existsSync(file)) {
    throw new Error(`golden file ${file} is missing; run UPDATE_GOLDEN=1 npm test to create it, then review it`);
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf-8'));
}
