/**
 * imports/alloy/metrics.json and schemas/backends/*.json are what their scripts make from
 * ../shared (when it is there), and say where they came from.
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const metrics = require('../../scripts/import-alloy-metrics.js') as { build(dir: string): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const backends = require('../../scripts/import-backend-schemas.js') as { build(dir: string, file: string, source: string): string; FILES: Array<[string, string, string]> };

const root = path.join(__dirname, '..', '..');
const shared = path.join(root, '..', 'shared');
const have = (dir: string, file: string) => fs.existsSync(path.join(shared, dir, file));

test('the committed files name their source', () => {
  const m = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'alloy', 'metrics.json'), 'utf-8'));
  expect(m._source).toMatch(/^names from alloy-catalog\/metrics\.json: Alloy v1\.18\.1/);
  expect(m._engine.length).toBeGreaterThan(20);
  expect(m['otelcol.exporter.otlphttp']).toEqual(expect.arrayContaining(['otelcol_exporter_queue_size', 'otelcol_exporter_send_failed_log_records_total']));
  // no component of the stack's log path counts what it drops: that is why the logs queue waits for room
  expect(m['otelcol.receiver.loki']).toEqual([]);
  for (const [, file, source] of backends.FILES) {
    expect(JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'backends', file), 'utf-8'))._source).toContain(source);
  }
});

(have('alloy-catalog', 'metrics.json') ? test : test.skip)('npm run import:alloy-metrics reproduces imports/alloy/metrics.json byte for byte', () => {
  expect(metrics.build(path.join(shared, 'alloy-catalog')) === fs.readFileSync(path.join(root, 'imports', 'alloy', 'metrics.json'), 'utf-8')).toBe(true);
});

(have('backend-schemas', 'loki-config-schema.json') ? test : test.skip)('npm run import:backend-schemas reproduces schemas/backends/ byte for byte', () => {
  for (const [from, to, source] of backends.FILES) {
    expect(backends.build(path.join(shared, 'backend-schemas'), from, source) === fs.readFileSync(path.join(root, 'schemas', 'backends', to), 'utf-8')).toBe(true);
  }
});
