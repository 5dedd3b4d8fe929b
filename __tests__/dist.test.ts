/**
 * dist/ is what Argo CD and `kubectl apply -f dist/` read: it must be exactly what
 * `npx cdk8s synth` writes now, and every object in it must pass the strict 1.28 schema.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { schemaErrors } from './support/k8s-schema';
import { Manifest, find } from './support/manifests';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]).sort();
}

function distManifests(): Manifest[] {
  return listFiles(dist)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => yaml.loadAll(fs.readFileSync(path.join(dist, f), 'utf-8')) as Manifest[])
    .filter((m) => m !== null);
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
    const fresh = listFiles(out);
    expect(listFiles(dist)).toEqual(fresh);
    for (const f of fresh) {
      const stale = fs.readFileSync(path.join(dist, f), 'utf-8') !== fs.readFileSync(path.join(out, f), 'utf-8');
      expect({ file: f, stale }).toEqual({ file: f, stale: false });
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('every object passes the strict Kubernetes 1.28 schema', () => {
    const manifests = distManifests();
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) {
      expect({ object: `${m.kind}/${m.metadata.name}`, errors: schemaErrors(m) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, errors: [] });
    }
  });

  test('the config.alloy in dist is the golden default config', () => {
    const config = find(distManifests(), 'ConfigMap', 'alloy-config').data['config.alloy'];
    expect(config).toBe(fs.readFileSync(path.join(__dirname, 'stack', 'golden', 'default-config.alloy'), 'utf-8'));
  });
});
