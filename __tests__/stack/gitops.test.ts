import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Lazy, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { ObservabilityStack, ObservabilityStackProps, synthEnvironments } from '../../lib';
import { ArgoCdApplication, ENVIRONMENTS } from '../../lib/stack';
import { ourMessage, synthApp } from '../../lib/stack/environments';
import { listFiles } from '../support/dist';
import { manifestsOf, testApp } from '../support/manifests';

const WAVE = 'argocd.argoproj.io/sync-wave';

describe('environments', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-envs-'));
  const stacks = synthEnvironments(out, ENVIRONMENTS, { repoURL: 'https://git.example.com/platform/obs.git' });
  const objects = (env: string) => loadAll(fs.readFileSync(path.join(out, env, 'observability.k8s.yaml'), 'utf-8')) as any[];

  test('dev and prod differ in replicas, resources, retention and volume sizes', () => {
    const [dev, prod] = stacks;
    expect(dev.namespaceName).toBe('observability-dev');
    const sts = (env: string) => objects(env).find((m) => m.kind === 'StatefulSet');
    expect([sts('dev').spec.replicas, sts('prod').spec.replicas]).toEqual([1, 3]);
    expect([sts('dev').spec.template.spec.containers[0].resources.limits.memory, sts('prod').spec.template.spec.containers[0].resources.limits.memory]).toEqual(['512Mi', '4Gi']);
    const pvc = (env: string, name: string) => objects(env).find((m) => m.kind === 'PersistentVolumeClaim' && m.metadata.name === name).spec.resources.requests.storage;
    expect([pvc('dev', 'prometheus-data'), pvc('prod', 'prometheus-data')]).toEqual(['5Gi', '200Gi']);
    expect(prod.prometheus.workload.workload.toJson().spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.time=30d');
    expect(dev.prometheus.workload.workload.toJson().spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.time=3d');
  });

  test('kubectl apply -f <env>/ works in one pass: the Namespace is the first object, the Kustomization is not a .yaml file', () => {
    for (const env of ['dev', 'prod']) {
      expect(objects(env)[0].kind).toBe('Namespace');
      expect(listFiles(path.join(out, env)).filter((f) => f.endsWith('.yaml'))).toEqual(['observability.k8s.yaml', 'smoke-test/smoke-test.k8s.yaml']);
      // kubectl apply -f <env>/ is not recursive: the smoke test stays out until asked for
      expect(fs.readdirSync(path.join(out, env)).filter((f) => f.endsWith('.yaml'))).toEqual(['observability.k8s.yaml']);
      expect(fs.readFileSync(path.join(out, env, 'Kustomization'), 'utf-8')).toBe(
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - observability.k8s.yaml\n',
      );
    }
  });

  test('one Application per environment, pointing at its folder', () => {
    const apps = loadAll(fs.readFileSync(path.join(out, 'argocd', 'applications.k8s.yaml'), 'utf-8')) as any[];
    expect(apps.map((a) => [a.metadata.name, a.metadata.namespace, a.spec.source.repoURL, a.spec.source.path, a.spec.destination.namespace])).toEqual([
      ['observability-dev', 'argocd', 'https://git.example.com/platform/obs.git', 'dist/dev', 'observability-dev'],
      ['observability-prod', 'argocd', 'https://git.example.com/platform/obs.git', 'dist/prod', 'observability'],
      ['observability-large', 'argocd', 'https://git.example.com/platform/obs.git', 'dist/large', 'observability-large'],
    ]);
    expect(apps[0].spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(apps.every((a) => a.metadata.generateName === undefined)).toBe(true);
  });

  test('the Mermaid diagram beside each config.alloy matches its wiring', () => {
    for (const [i, env] of ['dev', 'prod'].entries()) {
      const diagram = fs.readFileSync(path.join(out, env, 'alloy', 'pipeline.md'), 'utf-8');
      const config = stacks[i].alloy.config;
      for (const c of config.components) expect(diagram).toContain(`["${c.componentName}<br/>${c.label}"]`);
      expect(diagram).toContain('-->|traces|');
      expect(fs.readFileSync(path.join(out, env, 'alloy', 'config.alloy'), 'utf-8')).toBe(config.renderOnce());
    }
  });

  test('fails when two environments share a name, or a name is not a DNS label', () => {
    expect(() => synthEnvironments(out, [ENVIRONMENTS[0], ENVIRONMENTS[0]])).toThrow('environments: two environments named "dev"; give each its own name');
    expect(() => synthEnvironments(out, [{ name: 'Dev', props: {} }])).toThrow('environments: invalid environment name (got "Dev")');
  });

  test('an error raised during synth reaches the caller with our message first, not inside cdk8s\'s', () => {
    const fails = (props: ObservabilityStackProps): string => {
      try {
        synthEnvironments(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-envs-')), [{ name: 'dev', props }]);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('synth did not fail');
    };
    // a window set below a backlog fails in validation: cdk8s wraps it in "Validation failed ... [path]"
    expect(fails({ tempo: { lateSpanWindow: '30m' } })).toMatch(
      /^observability\/tempo: lateSpanWindow "30m" is shorter than the backlog observability\/alloy\/config may replay after an outage \(1h45m: [^\n]*; set lateSpanWindow to at least 1h45m, leave it unset to derive it, or make the queue smaller$/,
    );
    // two at once: one a line, each ours
    expect(fails({ tempo: { lateSpanWindow: '30m' }, loki: { lateLogWindow: '1h' } }).split('\n').map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'observability/tempo', 'observability/loki',
    ]);
  });

  test('an error raised while serializing a manifest comes first, then the construct being serialized', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: Lazy.any({ produce: () => { throw new Error('c/o: broken (got 1); fix it'); } }) } });
    expect(() => app.synth()).toThrow(/^Failed serializing construct/);
    expect(() => synthApp(app)).toThrow(/^c\/o: broken \(got 1\); fix it\n\(while serializing c\/o \(name x\)\)$/);
    // a validation error that does not start with its path gets it; other messages pass as they are
    expect(ourMessage('Validation failed with the following errors:\n  [a/b] something is wrong')).toBe('a/b: something is wrong');
    expect(ourMessage('plain')).toBe('plain');
  });
});

describe('sync waves', () => {
  const ms = manifestsOf(new ObservabilityStack(testApp(), 'observability'));
  const wave = (kind: string, name: string) => Number(ms.find((m) => m.kind === kind && m.metadata.name === name)!.metadata.annotations![WAVE]);

  test('every object has one', () => {
    expect(ms.filter((m) => m.metadata.annotations?.[WAVE] === undefined)).toEqual([]);
  });

  test('Namespace and config before workloads, backends before Alloy, Alloy before Grafana and its dashboards', () => {
    expect(wave('Namespace', 'observability')).toBeLessThan(wave('ConfigMap', 'alloy-config'));
    expect(wave('ConfigMap', 'alloy-config')).toBeLessThan(wave('Deployment', 'tempo'));
    expect(wave('ClusterRole', 'observability-alloy')).toBeLessThan(wave('StatefulSet', 'alloy'));
    for (const backend of ['tempo', 'prometheus', 'loki', 'alertmanager']) {
      expect(wave('Deployment', backend)).toBeLessThan(wave('StatefulSet', 'alloy'));
    }
    expect(wave('StatefulSet', 'alloy')).toBeLessThan(wave('Deployment', 'grafana'));
    expect(wave('StatefulSet', 'alloy')).toBeLessThan(wave('ConfigMap', 'grafana-dashboards'));
  });
});

describe('ArgoCdApplication', () => {
  test('fails when the repo URL, the path or the name is invalid', () => {
    const base = { name: 'obs', repoURL: 'https://git.example.com/obs.git', path: 'dist/prod', namespace: 'observability' };
    expect(() => new ArgoCdApplication(Testing.chart(), 'a', { ...base, repoURL: 'git.example.com/obs' })).toThrow('test/a: invalid repoURL (got "git.example.com/obs")');
    expect(() => new ArgoCdApplication(Testing.chart(), 'a', { ...base, path: '../dist' })).toThrow('test/a: invalid path (got "../dist"); use a folder relative to the repository root');
    expect(() => new ArgoCdApplication(Testing.chart(), 'a', { ...base, name: 'Obs' })).toThrow('test/a: invalid Application name (got "Obs")');
    const manual = new ArgoCdApplication(Testing.chart(), 'a', { ...base, automated: false, targetRevision: 'v1.2.0', project: 'platform' });
    expect(manual.application.toJson().spec).toMatchObject({ project: 'platform', source: { targetRevision: 'v1.2.0' } });
    expect(manual.application.toJson().spec.syncPolicy.automated).toBeUndefined();
  });
});
