/**
 * dist/ is what Argo CD and `kubectl apply -f dist/<env>/` read: it must be exactly what
 * `npx cdk8s synth` writes now, and every object in it must pass its strict schema.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { DIST, distManifests, listFiles } from './support/dist';
import { crdErrors, schemaErrors } from './support/k8s-schema';

const root = path.join(__dirname, '..');

/** The Argo CD Application CRD's own schema (schemas/crds), strict where it lists properties. */
function applicationErrors(manifest: object): string[] {
  const crd = (loadAll(fs.readFileSync(path.join(root, 'schemas', 'crds', 'argoproj.io_applications.yaml'), 'utf-8')) as any[])[0];
  return crdErrors(crd, 'v1alpha1', manifest);
}

/** `out` holds the same files as dist/, each the same to the byte. */
function expectSameAsDist(out: string): void {
  expect(listFiles(out)).toEqual(listFiles(DIST));
  for (const f of listFiles(out)) {
    const same = fs.readFileSync(path.join(out, f), 'utf-8') === fs.readFileSync(path.join(DIST, f), 'utf-8');
    expect({ file: f, same }).toEqual({ file: f, same: true });
  }
}

describe('dist/', () => {
  test('equals what npx cdk8s synth writes now, byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-synth-'));
    // the user's command, run from the project's own node_modules
    const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
    const run = spawnSync(cli, ['synth', '--output', out], {
      cwd: root,
      encoding: 'utf-8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect(run.status).toBe(0);
    expectSameAsDist(out);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('npm run synth (the fast path) writes the same dist/, byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-fast-'));
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'left from before');
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'synth.js'), out], { cwd: root, encoding: 'utf-8' });
    expect(run.status).toBe(0);
    // it empties the folder first, as the CLI does (stale.yaml is gone)
    expectSameAsDist(out);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('the app unbundled (npx tsx main.ts) writes the same dist/, so bundling changes nothing', () => {
    // cdk8s.yaml runs the bundle (scripts/synth.js); this is the plain TypeScript app beside it
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-tsx-'));
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, ['main.ts'], { cwd: root, encoding: 'utf-8', env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectSameAsDist(out);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('one folder per environment, each with its manifests, a Kustomization, each collector\'s config with its diagram and the smoke test; Applications apart', () => {
    const env = (e: string) => [
      `${e}/Kustomization`,
      `${e}/alloy-logs/config.alloy`, `${e}/alloy-logs/pipeline.md`,
      `${e}/alloy-metrics/config.alloy`, `${e}/alloy-metrics/pipeline.md`,
      `${e}/alloy/config.alloy`, `${e}/alloy/pipeline.md`,
      `${e}/observability.k8s.yaml`,
      `${e}/smoke-test/smoke-test.k8s.yaml`,
    ];
    // large: no smoke test (it queries the bundled backends, and its metrics are in a Mimir); the
    // rules for that Mimir's ruler, and what its external backends must accept
    const large = [
      ...env('large').filter((f) => !f.includes('smoke-test')).flatMap((f) => (f === 'large/alloy/pipeline.md' ? [f, 'large/external-backends.md'] : [f])),
      'large/rules/observability-large.yaml',
    ];
    // compose: the dev environment on Docker Compose (its files: __tests__/stack/compose.test.ts)
    const compose = listFiles(path.join(DIST, 'compose')).map((f) => `compose/${f}`);
    expect(compose).toContain('compose/compose.yaml');
    expect(listFiles(DIST)).toEqual(['argocd/applications.k8s.yaml', ...compose, ...env('dev'), ...large, ...env('prod')]);
  });

  test('every Kubernetes object passes the strict 1.28 schema, every Application its CRD', () => {
    const all = distManifests();
    expect(all.length).toBeGreaterThan(60);
    for (const { file, manifest: m } of all) {
      const errors = m.kind === 'Application' ? applicationErrors(m) : schemaErrors(m);
      expect({ object: `${file}: ${m.kind}/${m.metadata.name}`, errors }).toEqual({ object: `${file}: ${m.kind}/${m.metadata.name}`, errors: [] });
    }
  });

  test.each(['dev', 'prod'])('%s: config.alloy beside the manifests is the one in the ConfigMap', (env) => {
    const cm = distManifests(path.join(DIST, env)).map((x) => x.manifest).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'alloy-config');
    expect(fs.readFileSync(path.join(DIST, env, 'alloy', 'config.alloy'), 'utf-8')).toBe(cm.data['config.alloy']);
  });
});
