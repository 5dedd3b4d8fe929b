/**
 * Environments built first, extended, then synthesized: what one environment gets before synth
 * is in its folder only, and an environment added has the whole layout (Kustomization,
 * collector folders, smoke test, its Argo CD Application).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { EnvironmentApp, Environments, components } from '../../lib';
import { listFiles } from '../support/dist';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-envs-'));
const configMap = (scope: Chart, id: string, namespace: string) =>
  new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace }, data: { k: 'v' } });

describe('Environments', () => {
  const out = tmp();
  const envs = new Environments(out, { gitops: { repoURL: 'https://git.example.com/platform/obs.git', path: 'deploy' } });
  const dev = envs.add('dev', { namespace: 'observability-dev' });
  const prod = envs.add('prod');
  const qa = envs.add('qa', { namespace: 'observability-qa' });
  // before synth: an object in dev's stack chart, a chart of its own in dev, a pipeline in dev's gateway
  configMap(dev.stack, 'team-settings', dev.stack.namespaceName);
  const extras = new Chart(dev, 'extras', { namespace: dev.stack.namespaceName });
  configMap(extras, 'team-extras', dev.stack.namespaceName);
  const cfg = dev.stack.alloy.config;
  const pods = new components.DiscoveryKubernetes(cfg, 'team_pods', { role: 'pod' });
  new components.PrometheusScrape(cfg, 'team_pods', { targets: pods.targets, forwardTo: [dev.stack.prometheus.metricsReceiver(cfg)], clustering: { enabled: true } });
  envs.synth();

  const files = listFiles(out);
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf-8');
  const envFiles = (env: string) => files.filter((f) => f.startsWith(`${env}/`)).map((f) => f.slice(env.length + 1));

  test('the environments, in the order added, each an App writing to <outdir>/<name>/ with its stack', () => {
    expect(envs.environments).toEqual([dev, prod, qa]);
    expect(envs.environments.map((e) => [e.name, e.outdir, e.stack.namespaceName])).toEqual([
      ['dev', path.join(out, 'dev'), 'observability-dev'],
      ['prod', path.join(out, 'prod'), 'observability'],
      ['qa', path.join(out, 'qa'), 'observability-qa'],
    ]);
  });

  test('a construct added to one environment before synth is in that environment\'s folder only', () => {
    expect(read('dev/observability.k8s.yaml')).toContain('name: team-settings');
    expect(read('dev/alloy/config.alloy')).toContain('prometheus.scrape "team_pods" {');
    expect(read('dev/alloy/pipeline.md')).toContain('prometheus.scrape<br/>team_pods');
    // the chart of its own: a file of dev's folder, listed in dev's Kustomization
    expect(envFiles('dev')).toContain('extras.k8s.yaml');
    expect(read('dev/Kustomization')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - extras.k8s.yaml\n  - observability.k8s.yaml\n',
    );
    for (const env of ['prod', 'qa']) {
      expect(envFiles(env)).not.toContain('extras.k8s.yaml');
      for (const f of envFiles(env)) {
        expect(read(`${env}/${f}`)).not.toMatch(/team-settings|team-extras|team_pods/);
      }
    }
  });

  test('an environment added gets the whole layout: Kustomization, collector folders, smoke test, its Application', () => {
    expect(envFiles('qa')).toEqual([
      'Kustomization', 'alloy-logs/config.alloy', 'alloy-logs/pipeline.md', 'alloy-metrics/config.alloy', 'alloy-metrics/pipeline.md',
      'alloy/config.alloy', 'alloy/pipeline.md', 'observability.k8s.yaml', 'smoke-test/smoke-test.k8s.yaml',
    ]);
    expect(envFiles('prod')).toEqual(envFiles('qa'));
    expect(read('qa/Kustomization')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - observability.k8s.yaml\n');
    expect((loadAll(read('qa/observability.k8s.yaml')) as any[])[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'observability-qa' } });
    expect(read('qa/alloy/config.alloy')).toBe(qa.stack.alloy.config.renderOnce());
    expect(read('qa/alloy-metrics/pipeline.md')).toContain('Alloy pipeline: alloy-metrics (qa)');
    expect((loadAll(read('qa/smoke-test/smoke-test.k8s.yaml')) as any[]).every((m) => m.metadata.namespace === 'observability-qa')).toBe(true);
    const apps = loadAll(read('argocd/applications.k8s.yaml')) as any[];
    expect(apps.map((a) => [a.metadata.name, a.spec.source.path, a.spec.destination.namespace])).toEqual([
      ['observability-dev', 'deploy/dev', 'observability-dev'],
      ['observability-prod', 'deploy/prod', 'observability'],
      ['observability-qa', 'deploy/qa', 'observability-qa'],
    ]);
    expect(files.filter((f) => !/^(dev|prod|qa)\//.test(f))).toEqual(['argocd/applications.k8s.yaml']);
  });

  test('without gitops: no argocd/ folder', () => {
    const dir = tmp();
    const alone = new Environments(dir);
    alone.add('dev');
    alone.synth();
    expect(fs.readdirSync(dir)).toEqual(['dev']);
  });

  test('an EnvironmentApp on its own writes its folder', () => {
    const dir = tmp();
    const env = new EnvironmentApp(dir, { name: 'edge', props: { namespace: 'observability-edge', networkPolicies: false } });
    env.synth();
    expect(fs.readdirSync(dir)).toEqual(['edge']);
    expect(listFiles(path.join(dir, 'edge'))).toEqual(envFiles('qa'));
    // no NetworkPolicy in the smoke test when the stack has none
    const smoke = loadAll(fs.readFileSync(path.join(dir, 'edge', 'smoke-test', 'smoke-test.k8s.yaml'), 'utf-8')) as any[];
    expect(smoke.filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('fails when two environments share a name, a name is not a DNS label, or one is named argocd beside the Applications', () => {
    const e = new Environments(tmp(), { gitops: { repoURL: 'https://git.example.com/obs.git' } });
    e.add('dev');
    expect(() => e.add('dev')).toThrow(/^environments: two environments named "dev"; give each its own name \(its folder under /);
    expect(() => e.add('Dev')).toThrow('environments: invalid environment name (got "Dev")');
    expect(() => e.add('argocd')).toThrow('environments: an environment named "argocd" would share its folder with the Argo CD Applications (got "argocd"); give it another name');
    expect(() => new Environments(tmp()).add('argocd')).not.toThrow();
    expect(e.environments.map((x) => x.name)).toEqual(['dev']);
  });

  test('an error raised during an environment\'s synth has our message first', () => {
    const e = new Environments(tmp());
    e.add('dev', { tempo: { lateSpanWindow: '30m' } });
    expect(() => e.synth()).toThrow(/^observability\/tempo: lateSpanWindow "30m" is shorter than the backlog/);
  });
});
