/**
 * The pages stay true: image tags, derived windows and measured numbers quoted in README.md and
 * docs/ are those of the code and the committed benchmark runs, and every relative link resolves.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IMAGES, ObservabilityStack } from '../lib';
import { durationText } from '../lib/validation';
import { testApp } from './support/manifests';

const root = path.join(__dirname, '..');
const pages = ['README.md', 'SECURITY.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (page: string) => fs.readFileSync(path.join(root, page), 'utf-8');
const flat = (page: string) => text(page).replace(/\s+/g, ' ');

test.each(pages)('%s names the pinned image tags', (page) => {
  for (const image of Object.values(IMAGES)) {
    const repo = image.slice(0, image.lastIndexOf(':'));
    const named = [...text(page).matchAll(new RegExp(`${repo.replace(/[./]/g, '\\$&')}:([\\w.-]+)`, 'g'))].map((m) => `${repo}:${m[1]}`);
    expect(named.filter((n) => n !== image)).toEqual([]);
  }
});

test.each(pages)('%s links only to files that exist', (page) => {
  const dir = path.dirname(path.join(root, page));
  for (const [, target] of text(page).matchAll(/\]\((?!https?:|#)([^)#\s]+)(#[^)]*)?\)/g)) {
    expect({ page, target, exists: fs.existsSync(path.join(dir, target)) }).toEqual({ page, target, exists: true });
  }
});

test('docs/stack.md quotes the windows the default stack derives', () => {
  const stack = new ObservabilityStack(testApp(), 'observability');
  const doc = flat('docs/stack.md');
  expect(doc).toContain(`both ingestion slacks derived from the gateway's traces queue (${durationText(stack.tempo.lateSpanWindowSeconds)}), searched in the ingesters as far back`);
  expect(doc).toContain(`an out-of-order window derived from its senders (${durationText(stack.prometheus.outOfOrderWindowSeconds)})`);
  const chunk = 2 * stack.loki.lateLogWindowSeconds;
  expect(doc).toContain(`derived from the logs queues (${durationText(chunk)}, ${durationText(chunk + 3600)})`);
});

test('the fsync cost quoted in the docs is the committed benchmark run\'s', () => {
  const run = JSON.parse(text('bench/results/fsync.json'));
  const perSecond = `about ${(Math.round(run.requestsPerSecondPerQueueWithFsync / 100) * 100).toLocaleString('en')} requests a second`;
  expect(flat('docs/outage-budget.md')).toContain(`a median of ${run.writeAndFdatasyncMicroseconds.median} µs against ${run.writeOnlyMicroseconds.median} µs without`);
  for (const page of ['docs/outage-budget.md', 'docs/stack.md', 'README.md']) {
    expect({ page, quotes: flat(page).includes(perSecond) }).toEqual({ page, quotes: true });
  }
});

test('docs/development.md quotes the committed benchmark run', () => {
  const run = JSON.parse(text('bench/results/v0.1.0.json')) as { measurements: Array<{ name: string; medianSeconds: number; ratioToFloor: number }> };
  const doc = text('docs/development.md');
  const app = run.measurements.find((m) => m.name.startsWith('default stack'))!;
  const cli = run.measurements.find((m) => m.name === 'npx cdk8s synth')!;
  expect(doc).toContain(`| ${app.medianSeconds.toFixed(2)} s |`);
  expect(doc).toContain(`| \`npx cdk8s synth\` | ${cli.medianSeconds.toFixed(2)} s |`);
  expect(doc).toContain(`the app alone, ${app.ratioToFloor.toFixed(2)}x,`);
});

test('docs/development.md quotes the committed run\'s parse and format times of a few-MB config.alloy', () => {
  const run = JSON.parse(text('bench/results/v0.1.0.json')) as { parse: { bytes: number; medianMs: number }; format: { medianMs: number } };
  const doc = flat('docs/development.md');
  expect(doc).toContain(`a config.alloy of ${(run.parse.bytes / 2 ** 20).toFixed(1)} MB`);
  expect(doc).toContain(`\`parseFile\` takes a median of ${Math.round(run.parse.medianMs)} ms`);
  expect(doc).toContain(`the \`alloy fmt\` printer, ${Math.round(run.format.medianMs)} ms`);
});
