/**
 * Rewrites the table of docs/outage-budget.md from the default stack's configuration.
 *
 *   npm run docs:outage
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ObservabilityStack, budgetTable, outageBudget } from '../lib';

const file = path.join(__dirname, '..', 'docs', 'outage-budget.md');
const stack = new ObservabilityStack(new App({ outdir: path.join(__dirname, '..', '.tmp') }), 'observability');
const table = budgetTable(outageBudget(stack.alloy));
const text = fs.readFileSync(file, 'utf-8');
const start = '<!-- budget:start -->\n';
const end = '<!-- budget:end -->';
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error(`${file}: markers ${start.trim()} and ${end} not found`);
fs.writeFileSync(file, text.slice(0, i + start.length) + table + text.slice(j));
console.log(`wrote the table of ${path.relative(process.cwd(), file)}`);
