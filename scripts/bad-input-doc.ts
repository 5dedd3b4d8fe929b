/**
 * Writes docs/bad-input.md from the catalogue of wrong inputs, with the message each one gets.
 *
 *   npm run docs:bad-input
 */
import * as fs from 'fs';
import * as path from 'path';
import { CATALOGUE, badInputDoc } from '../__tests__/support/bad-input-catalogue';

fs.writeFileSync(path.join(__dirname, '..', 'docs', 'bad-input.md'), badInputDoc());
console.log(`wrote docs/bad-input.md: ${CATALOGUE.length} cases`);
