/**
 * Rewrites the table of docs/sizing.md: the three reference sizes, each built as a stack with
 * `sizing` and counted from its manifests and outage budget.
 *
 *   npm run docs:sizing
 */
import * as fs from 'fs';
import * as path from 'path';
import { sizingDocTable } from '../lib/stack/sizing-doc';

const file = path.join(__dirname, '..', 'docs', 'sizing.md');
const text = fs.readFileSync(file, 'utf-8');
const start = '<!-- sizing:start -->\n';
const end = '<!-- sizing:end -->';
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error(`${file}: markers ${start.trim()} and ${end} not found`);
fs.writeFileSync(file, text.slice(0, i + start.length) + sizingDocTable() + text.slice(j));
console.log(`wrote the table of ${path.relative(process.cwd(), file)}`);
