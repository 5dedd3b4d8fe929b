/**
 * `npm run docs` produces the API reference (TypeDoc).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

test('npm run docs writes the API reference, with the stack, the generated components (namespace components) and the destinations', () => {
  const root = path.join(__dirname, '..');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-docs-'));
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: root, encoding: 'utf-8' });
  expect({ status: run.status, errors: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, errors: '' });
  for (const page of ['index.html', 'classes/ObservabilityStack.html', 'modules/components.html', 'classes/components.PrometheusRemoteWrite.html', 'classes/Destination.html', 'functions/synthEnvironments.html']) {
    expect({ page, exists: fs.existsSync(path.join(out, page)) }).toEqual({ page, exists: true });
  }
  fs.rmSync(out, { recursive: true, force: true });
}, 180_000);
