/**
 * The examples/ run: each synthesizes, and what it promises is in its output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { build as customPipeline } from '../examples/custom-pipeline';
import { build as defaultStack } from '../examples/default-stack';
import { build as externalDestinations } from '../examples/external-destinations';
import { schemaErrors } from './support/k8s-schema';

function synth(build: (outdir: string) => { synth(): void }): any[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-example-'));
  build(out).synth();
  const manifests = fs.readdirSync(out).flatMap((f) => loadAll(fs.readFileSync(path.join(out, f), 'utf-8')) as any[]);
  fs.rmSync(out, { recursive: true, force: true });
  for (const m of manifests) expect(schemaErrors(m)).toEqual([]);
  return manifests;
}

const config = (ms: any[]) => ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'alloy-config').data['config.alloy'] as string;

test('examples/default-stack.ts synthesizes the stack with a Loki tenant', () => {
  expect(config(synth(defaultStack))).toContain('"X-Scope-OrgID" = "platform"');
});

test('examples/external-destinations.ts sends with credentials from Secrets, never literals', () => {
  const ms = synth(externalDestinations);
  expect(config(ms)).toContain('token = sys.env("SECRET_VENDOR_OTLP_TOKEN")');
  expect(config(ms)).toContain('password = sys.env("SECRET_MIMIR_PASSWORD")');
  const env = ms.find((m) => m.kind === 'StatefulSet').spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'SECRET_MIMIR_PASSWORD', valueFrom: { secretKeyRef: { name: 'mimir', key: 'password' } } });
});

test('examples/custom-pipeline.ts scrapes annotated pods, with the RBAC it needs', () => {
  const ms = synth(customPipeline);
  expect(config(ms)).toContain('prometheus.scrape "annotated_pods" {');
  // the gateway's ClusterRole: its own pod discovery merged with what the enrichment reads
  const role = ms.find((m) => m.kind === 'ClusterRole' && m.metadata.name === 'observability-alloy');
  expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] });
});
