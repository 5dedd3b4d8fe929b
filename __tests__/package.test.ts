/**
 * The package as another repository uses it, installed by the README's own commands, from what
 * is committed: a clean clone of this repository's HEAD (no build/), `npm ci --offline` there
 * (npm's cache has what this checkout's own `npm ci` fetched), then `npm pack`, whose `prepare`
 * hook (scripts/prepare.js) builds build/: nothing here runs `npm run build`. A second test
 * installs the clone by git URL, as the README's `npm install github:...` line does. A consumer project in a temp directory, with its own
 * package.json, tsconfig.json and cdk8s.yaml, installs the tarball with cdk8s, constructs and
 * cdk8s-plus-28 and @types/node (pinned to this repository's versions, so npm's cache serves
 * them), builds two environments with `Environments`, adds a pipeline to one (the generated
 * components through the root's `components` namespace and the subpath `cdk8s-alloy/components`),
 * instruments a cdk8s-plus Deployment in each, type-checks it strictly, and synthesizes it with
 * `npx cdk8s synth`.
 *
 * Uncommitted changes are not in the clone: commit before trusting this test. The consumer does
 * not install cdk8s-cli from the registry (a hundred packages, the slowest and most fragile step):
 * its node_modules/.bin/cdk8s links to this repository's cdk8s-cli, which is how `npx cdk8s` finds
 * a locally installed CLI.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readmeCommand } from './support/readme';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const CONSUMER = `import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Environments, components } from 'cdk8s-alloy';
import { OtelcolReceiverOtlp } from 'cdk8s-alloy/components';

// two environments, a pipeline of our own in one, and an application of ours instrumented in both
const envs = new Environments(process.env.CDK8S_OUTDIR ?? 'dist', { gitops: { repoURL: 'https://git.example.com/obs.git' } });
for (const name of ['dev', 'prod']) {
  const env = envs.add(name, { namespace: \`observability-\${name}\`, alloy: { extraPorts: [{ name: 'audit-http', port: 5318 }] } });
  if (name === 'dev') {
    // OTLP logs on 5318 to an audit Loki
    const cfg = env.stack.alloy.config;
    const audit = new components.LokiWrite(cfg, 'audit', { endpoint: { url: 'http://audit-loki.audit:3100/loki/api/v1/push' } });
    const toAudit = new components.OtelcolExporterLoki(cfg, 'to_audit', { forwardTo: [audit.receiver] });
    new OtelcolReceiverOtlp(cfg, 'audit_in', { http: { endpoint: '0.0.0.0:5318' }, output: { logs: [toAudit.input] } });
  }
  const shop = new Chart(env, 'shop', { namespace: 'shop' });
  const checkout = new kplus.Deployment(shop, 'checkout', { containers: [{ name: 'app', image: 'ghcr.io/example/checkout:1.4.2', portNumber: 8080 }] });
  env.stack.instrument(checkout);
}
envs.synth();
// one set of classes: the namespace and the subpath are the same module; nothing generated at the root
if (components.OtelcolReceiverOtlp !== OtelcolReceiverOtlp) throw new Error('components and cdk8s-alloy/components differ');
if ('LokiWrite' in require('cdk8s-alloy')) throw new Error('a generated class at the root');
`;

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));

/** A README command's words (none of them quoted). */
function argv(command: string): string[] {
  return command.split(/\s+/);
}

/**
 * The arguments of a README `npm install` line, run offline: each placeholder in `replace`
 * replaced, and each peer dependency pinned to this repository's version, so that npm's cache
 * (filled by this checkout's `npm ci`) serves it.
 */
function installArgs(command: string, replace: Record<string, string>): string[] {
  const [, ...args] = argv(command);
  return ['--offline', '--no-audit', '--no-fund', ...args.map((a) => replace[a] ?? (a in pkg.peerDependencies ? `${a}@${pkg.devDependencies[a]}` : a))];
}

/** A clone of this repository's HEAD in `work`. */
function clone(work: string): string {
  const repo = path.join(work, 'repo');
  execFileSync('git', ['clone', '-q', root, repo], { stdio: 'pipe' });
  return repo;
}

/** Runs a command; on failure the error carries its output. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('from a clean clone: npm pack builds, a fresh project installs the tarball, builds two environments, adds a pipeline, instruments a cdk8s-plus Deployment, type-checks and runs npx cdk8s synth', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-consumer-'));
  const repo = clone(work);
  expect(fs.existsSync(path.join(repo, 'build'))).toBe(false);
  run(npm, ['ci', '--offline', '--no-audit', '--no-fund'], repo);
  // the repository's own npm ci does not build (scripts/prepare.js)
  expect(fs.existsSync(path.join(repo, 'build'))).toBe(false);

  // the README's `npm pack`, as written, in the clone; it names the tarball it writes
  const pack = readmeCommand('npm pack');
  const readmeInstall = readmeCommand('npm install /path/to/');
  const tarball = path.basename(readmeInstall.split(' ')[2]);
  expect(tarball).toBe(`cdk8s-alloy-${pkg.version}.tgz`);
  expect(run(npm, argv(pack).slice(1), repo).trim().split('\n').at(-1)).toBe(tarball);
  const files = run('tar', ['tzf', path.join(repo, tarball)], work).trim().split('\n').map((f) => f.replace(/^package\//, '')).filter((f) => !f.endsWith('/'));
  expect(files).toEqual(expect.arrayContaining([
    'build/lib/index.js', 'build/lib/index.d.ts', 'build/imports/alloy/index.d.ts', 'build/imports/alloy/metrics.json',
    'README.md', 'CHANGELOG.md', 'SECURITY.md', 'docs/usage.md', 'package.json',
  ]));
  // only the build, the top-level documents and docs/*.md
  expect(files.filter((f) => !/^(build\/(lib|imports)\/.+\.(js|d\.ts|json)|[A-Z]+\.md|docs\/[^/]+\.md|package\.json)$/.test(f))).toEqual([]);
  // the catalog the check command reads (lib/alloy/check/catalog.ts), and the metrics the Alloy workload's alerts read
  expect(files.filter((f) => f.startsWith('build/') && !/\.(js|d\.ts)$/.test(f))).toEqual(['build/imports/alloy/facts.json', 'build/imports/alloy/metrics.json']);

  const consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // the README's install line, the tarball's path in place of /path/to/, and @types/node for tsc
  run(npm, [...installArgs(readmeInstall, { [readmeInstall.split(' ')[2]]: path.join(repo, tarball) }), `@types/node@${pkg.devDependencies['@types/node']}`], consumer);
  // this repository's cdk8s-cli, where `npx cdk8s` looks for a local CLI
  fs.mkdirSync(path.join(consumer, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), path.join(consumer, 'node_modules', '.bin', 'cdk8s'));

  fs.writeFileSync(path.join(consumer, 'main.ts'), CONSUMER);
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' },
    files: ['main.ts'],
  }));
  fs.writeFileSync(path.join(consumer, 'cdk8s.yaml'), 'language: typescript\napp: node out/main.js\n');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', consumer], { encoding: 'utf-8' });
  expect(tsc.stdout + tsc.stderr).toBe('');

  run(npx, ['--offline', 'cdk8s', 'synth'], consumer, { ...process.env, CDK8S_CHECK_UPGRADE: 'false' });
  const out = path.join(consumer, 'dist');
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf-8');
  for (const env of ['dev', 'prod']) {
    // the per-environment layout
    for (const f of ['Kustomization', 'observability.k8s.yaml', 'shop.k8s.yaml', 'alloy/config.alloy', 'alloy/pipeline.md', 'smoke-test/smoke-test.k8s.yaml']) {
      expect({ env, f, exists: fs.existsSync(path.join(out, env, f)) }).toEqual({ env, f, exists: true });
    }
    expect(read(`${env}/Kustomization`)).toContain('  - shop.k8s.yaml\n');
    // the app's OTLP environment, its pod identity from the downward API
    const shop = read(`${env}/shop.k8s.yaml`);
    expect(shop).toContain(`value: http://alloy.observability-${env}.svc:4317`);
    expect(shop).toContain('fieldPath: metadata.uid');
    expect(shop).toContain('service.instance.id=$(K8S_NAMESPACE).$(K8S_POD_NAME).app');
    // the gateway's NetworkPolicy admits the app's namespace on OTLP
    const stack = read(`${env}/observability.k8s.yaml`);
    expect(stack).toContain('kubernetes.io/metadata.name: shop');
    expect(stack.includes('otelcol.receiver.otlp "audit_in" {')).toBe(env === 'dev');
  }
  expect(read('argocd/applications.k8s.yaml')).toContain('path: dist/prod');

  // the installed bin runs the README's check, fmt and import lines as written, on its worked example
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
  const example = /```alloy\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Bring your own config.alloy')))![1];
  fs.writeFileSync(path.join(consumer, 'config.alloy'), example);
  const cli = (command: string) => spawnSync(npx, ['--offline', ...argv(command).slice(1)], { cwd: consumer, encoding: 'utf-8' });
  const check = cli(readmeCommand('npx cdk8s-alloy check'));
  expect([check.status, check.stdout.trim().split('\n').at(-1)]).toEqual([1, '1 file checked: 2 errors; needs --stability.level=generally-available']);
  fs.writeFileSync(path.join(consumer, 'config.alloy'), example.replace('mimri', 'mimir').replace('"30"', '"30s"').replace(/\t/g, '  '));
  expect(cli(readmeCommand('npx cdk8s-alloy check')).status).toBe(0);
  expect(cli(readmeCommand('npx cdk8s-alloy fmt')).status).toBe(0);
  const formatted = fs.readFileSync(path.join(consumer, 'config.alloy'), 'utf-8');
  expect(formatted).toBe(example.replace('mimri', 'mimir').replace('"30"', '"30s"'));
  const imported = cli(readmeCommand('npx cdk8s-alloy import'));
  expect(imported.status).toBe(0);
  // the module type-checks strictly in the consumer and renders the file byte for byte
  fs.writeFileSync(path.join(consumer, 'render.ts'), "import { Testing } from 'cdk8s';\nimport { buildConfig } from './config';\nprocess.stdout.write(buildConfig(Testing.chart()).render());\n");
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' },
    files: ['render.ts'],
  }));
  const tscImported = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', consumer], { encoding: 'utf-8' });
  expect(tscImported.stdout + tscImported.stderr).toBe('');
  expect(run(process.execPath, [path.join(consumer, 'out', 'render.js')], consumer)).toBe(formatted);
  fs.rmSync(work, { recursive: true, force: true });
}, 300_000);

test('the README\'s git install: npm clones the repository, its prepare script builds it, and the package loads', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-git-'));
  const repo = clone(work);
  const consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // a git URL of the clone in place of github:<org>/cdk8s-alloy
  const command = readmeCommand('npm install github:');
  run(npm, installArgs(command, { [argv(command)[2]]: `git+file://${repo}` }), consumer);
  const installed = path.join(consumer, 'node_modules', 'cdk8s-alloy');
  expect(fs.existsSync(path.join(installed, 'build', 'lib', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'lib'))).toBe(false);
  const loaded = run(process.execPath, ['-e', "const a = require('cdk8s-alloy'); console.log(typeof a.ObservabilityStack, typeof a.Environments)"], consumer);
  expect(loaded.trim()).toBe('function function');
  fs.rmSync(work, { recursive: true, force: true });
}, 300_000);
