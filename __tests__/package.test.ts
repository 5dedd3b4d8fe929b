/**
 * The package as another repository uses it: `npm run build`, `npm pack`, a consumer project
 * in a temp directory installs the tarball, composes the stack with one custom pipeline (the
 * generated components through the root's `components` namespace and through the subpath
 * `cdk8s-alloy/components`), type-checks and synthesizes it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const CONSUMER = `import { App } from 'cdk8s';
import { ObservabilityStack, components, type AlloyConfig } from 'cdk8s-alloy';
import { OtelcolReceiverOtlp } from 'cdk8s-alloy/components';

const app = new App({ outdir: process.argv[2] });
const stack = new ObservabilityStack(app, 'observability', { alloy: { extraPorts: [{ name: 'audit-http', port: 5318 }] } });
const cfg: AlloyConfig = stack.alloy.config;
// one extra pipeline: OTLP logs on 5318 to an audit Loki
const audit = new components.LokiWrite(cfg, 'audit', { endpoint: { url: 'http://audit-loki.audit:3100/loki/api/v1/push' } });
const toAudit = new components.OtelcolExporterLoki(cfg, 'to_audit', { forwardTo: [audit.receiver] });
new OtelcolReceiverOtlp(cfg, 'audit_in', { http: { endpoint: '0.0.0.0:5318' }, output: { logs: [toAudit.input] } });
app.synth();
// one set of classes: the namespace and the subpath are the same module
if (components.OtelcolReceiverOtlp !== OtelcolReceiverOtlp) throw new Error('components and cdk8s-alloy/components differ');
// nothing generated at the root
if ('LokiWrite' in require('cdk8s-alloy')) throw new Error('a generated class at the root');
`;

test('npm pack, install in a fresh project, compose with a custom pipeline, type-check and synthesize', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-consumer-'));
  execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'pipe' });
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf-8' }))[0];
  const files: string[] = packed.files.map((f: { path: string }) => f.path);
  expect(files).toContain('build/lib/index.d.ts');
  expect(files).toContain('build/imports/alloy/index.d.ts');
  expect(files.some((f) => f.startsWith('__tests__') || f.startsWith('lib/') || f.startsWith('dist/'))).toBe(false);

  const consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const install = spawnSync(npm, [
    'install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, packed.filename),
    `cdk8s@${pkg.devDependencies.cdk8s}`, `constructs@${pkg.devDependencies.constructs}`, `@types/node@${pkg.devDependencies['@types/node']}`,
  ], { cwd: consumer, encoding: 'utf-8' });
  expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({ status: 0, stderr: '' });

  fs.writeFileSync(path.join(consumer, 'main.ts'), CONSUMER);
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' },
    files: ['main.ts'],
  }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', consumer], { encoding: 'utf-8' });
  expect(tsc.stdout + tsc.stderr).toBe('');

  const out = path.join(work, 'dist');
  const run = spawnSync(process.execPath, [path.join(consumer, 'out', 'main.js'), out], { cwd: consumer, encoding: 'utf-8' });
  expect(run.stderr).toBe('');
  const yaml = fs.readFileSync(path.join(out, 'observability.k8s.yaml'), 'utf-8');
  expect(yaml).toContain('otelcol.receiver.otlp "audit_in" {');
  expect(yaml).toContain('kind: StatefulSet');
  fs.rmSync(work, { recursive: true, force: true });
}, 300_000);
