/**
 * Rewrites the tables of docs/outage-budget.md from the default stack's configuration.
 *
 *   npm run docs:outage
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ObservabilityStack } from '../lib';
import { SCALE_IN_EXAMPLE, budgetTable, scaleInTable, windowsTable } from '../lib/stack';

const file = path.join(__dirname, '..', 'docs', 'outage-budget.md');
const stack = new ObservabilityStack(new App({ outdir: path.join(__dirname, '..', '.tmp') }), 'observability');
let text = fs.readFileSync(file, 'utf-8');
const between = (name: string, content: string): void => {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file}: markers ${start.trim()} and ${end} not found`);
  text = text.slice(0, i + start.length) + content + text.slice(j);
};
between('budget', budgetTable(stack.collectors, stack.prometheus.alerts.map((a) => a.alert)));
between('windows', windowsTable(stack));
const autoscaled = new ObservabilityStack(new App({ outdir: path.join(__dirname, '..', '.tmp') }), 'observability', SCALE_IN_EXAMPLE);
between('scale-in', scaleInTable(autoscaled.collectors));
fs.writeFileSync(file, text);
console.log(`wrote the tables of ${path.relative(process.cwd(), file)}`);
