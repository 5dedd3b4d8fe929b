/**
 * dist/compose/: the dev environment on Docker Compose, from the same constructs. No Docker
 * engine runs here: `docker-compose config` (Debian's docker-compose 1.29) checks every file it
 * can, and the wiring is checked from the files themselves. Skipped only when docker-compose
 * is missing outside CI; under CI it must be there (.ci/run installs it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from 'js-yaml';
import { components } from '../../lib';
import { kubernetesOnly, configNeeds } from '../../lib/workloads/alloy-components';
import { Environment, Environments, ENVIRONMENTS, synthEnvironments } from '../../lib/stack/environments';
import { ObservabilityStack } from '../../lib/stack/observability-stack';
import { composeProject } from '../../lib/stack/compose';
import { facts, unknownNames } from '../support/alloy-facts';
import { DIST, distManifests } from '../support/dist';
import { testApp } from '../support/manifests';
import { IntOrString, KubeDeployment, KubeService } from '../../imports/k8s';
import { Connections } from '../../lib/workloads/connections';
import { readmeCommand } from '../support/readme';

const COMPOSE = path.join(DIST, 'compose');
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf-8');
const compose = (dir = COMPOSE): any => load(read(dir, 'compose.yaml'));
const dev = ENVIRONMENTS.find((e) => e.compose === true)!;

const haveCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf-8' }).status === 0;
if (!haveCompose && process.env.CI === undefined) {
  // eslint-disable-next-line no-console
  console.warn('docker-compose is not installed: the `docker-compose config` checks are skipped (.ci/run installs it; under CI they fail)');
}
const withCompose = haveCompose || process.env.CI !== undefined ? test : test.skip;

/** `docker-compose -f <file> config`, from a clean environment (plus `env`). */
function composeConfig(file: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GF_')));
  return spawnSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf-8', env: { ...clean, ...env } });
}

/** The ConfigMaps of dist/dev (the smoke test's included), by name. */
function kubernetesConfigMaps(dir = path.join(DIST, dev.name)): Map<string, Record<string, string>> {
  return new Map(distManifests(dir).filter((m) => m.manifest.kind === 'ConfigMap').map((m) => [m.manifest.metadata.name, m.manifest.data]));
}

/** Synthesizes `environments` into a fresh folder and returns it. */
function synthInto(environments: readonly Environment[]): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-compose-'));
  synthEnvironments(out, environments);
  return out;
}

describe('dist/compose/', () => {
  test('has compose.yaml, its README, .env.example and one folder per mounted ConfigMap, and no .env', () => {
    const files = fs.readdirSync(COMPOSE).sort();
    expect(files).toEqual(['.env.example', 'README.md', 'alertmanager-config', 'alloy-config', 'compose.yaml', 'grafana-config',
      'grafana-dashboards', 'loki-config', 'prometheus-config', 'smoke-test-script', 'tempo-config']);
    // secrets never in dist/: the example names the variable, without a value
    expect(read(COMPOSE, '.env.example')).toMatch(/^GF_SECURITY_ADMIN_PASSWORD=$/m);
    expect(read(COMPOSE, '.env.example').split('\n').filter((l) => /^[A-Z_]+=./.test(l))).toEqual([]);
    expect(fs.readFileSync(path.join(DIST, '..', '.gitignore'), 'utf-8')).toMatch(/^dist\/compose\/\.env$/m);
  });

  withCompose('docker-compose config accepts compose.yaml as committed, without .env', () => {
    const run = composeConfig(path.join(COMPOSE, 'compose.yaml'));
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  withCompose('docker-compose config resolves the secret from the environment (.env), and the services as written', () => {
    const run = composeConfig(path.join(COMPOSE, 'compose.yaml'), { GF_SECURITY_ADMIN_PASSWORD: 'dummy-for-the-test' });
    expect(run.status).toBe(0);
    const resolved = load(run.stdout) as any;
    expect(resolved.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe('dummy-for-the-test');
    expect(resolved.services['secrets-check'].environment.GF_SECURITY_ADMIN_PASSWORD).toBe('dummy-for-the-test');
    expect(Object.keys(resolved.services).sort()).toEqual(Object.keys(compose().services).sort());
    expect(resolved.services['smoke-test'].profiles).toEqual(['smoke']);
  });

  withCompose('docker-compose config refuses a broken file, so the check can fail', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-compose-bad-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), read(COMPOSE, 'compose.yaml').replace("restart: 'unless-stopped'", "restart: 'unless-stopped'\n    no_such_key: 1"));
    expect(composeConfig(path.join(dir, 'compose.yaml')).status).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('no secret literal: the admin password comes from .env, and the check refuses to start without it', () => {
    const c = compose();
    expect(c.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe('${GF_SECURITY_ADMIN_PASSWORD:-}');
    expect(c.services.grafana.depends_on['secrets-check']).toEqual({ condition: 'service_completed_successfully' });
    const script = c.services['secrets-check'].entrypoint[2];
    const check = (env: Record<string, string>) => spawnSync(process.execPath, ['-e', script.replace(/\$\$/g, '$')], { encoding: 'utf-8', env });
    expect(check({}).status).toBe(1);
    expect(check({}).stderr).toContain('set GF_SECURITY_ADMIN_PASSWORD in .env');
    expect(check({ GF_SECURITY_ADMIN_PASSWORD: 'x' }).status).toBe(0);
  });

  test('the configs are byte for byte the Kubernetes ones where nothing left out feeds them', () => {
    const k8s = kubernetesConfigMaps();
    const smoke = kubernetesConfigMaps(path.join(DIST, dev.name, 'smoke-test'));
    for (const [cm, key] of [['tempo-config', 'tempo.yaml'], ['alertmanager-config', 'alertmanager.yml'], ['grafana-config', 'datasources.yaml'],
      ['grafana-dashboards', 'dashboards.yaml']]) {
      expect({ file: `${cm}/${key}`, same: read(COMPOSE, `${cm}/${key}`) === k8s.get(cm)![key] }).toEqual({ file: `${cm}/${key}`, same: true });
    }
    expect(read(COMPOSE, 'smoke-test-script/smoke.js')).toBe(smoke.get('smoke-test-script')!['smoke.js']);
    // and the README says which are, from the same comparison
    const readme = read(COMPOSE, 'README.md');
    expect(readme).toContain('| `tempo-config/tempo.yaml` | the same bytes as the ConfigMap `tempo-config` |');
    expect(readme).toContain('| `prometheus-config/prometheus.yml` | differs from the ConfigMap `prometheus-config`');
  });

  test('the gateway\'s config.alloy is the Kubernetes one without the Kubernetes metadata, byte for byte', () => {
    // the same environment on Kubernetes with enrichment off renders the same gateway config
    const out = synthInto([{ name: dev.name, props: { ...dev.props, enrichment: false } }]);
    expect(read(COMPOSE, 'alloy-config/config.alloy')).toBe(read(out, `${dev.name}/alloy/config.alloy`));
    fs.rmSync(out, { recursive: true, force: true });
    const k8s = read(path.join(DIST, dev.name), 'alloy/config.alloy');
    expect(k8s).toContain('otelcol.processor.k8sattributes "default"');
    expect(read(COMPOSE, 'alloy-config/config.alloy')).not.toContain('k8sattributes');
  });

  test('Prometheus scrapes and alerts on the same jobs, less those of the collectors Compose does not run', () => {
    const k8s = load(kubernetesConfigMaps().get('prometheus-config')!['prometheus.yml']) as any;
    const here = load(read(COMPOSE, 'prometheus-config/prometheus.yml')) as any;
    const services = Object.keys(compose().services);
    const kept = k8s.scrape_configs.filter((j: any) => j.job_name === 'prometheus' || services.includes(j.job_name));
    expect(here.scrape_configs).toEqual(kept);
    expect(k8s.scrape_configs.length - kept.length).toBe(2);
    expect({ ...here, storage: undefined, scrape_configs: undefined }).toEqual({ ...k8s, storage: undefined, scrape_configs: undefined });
    // alerts: every group of the same name, none about the kubelets' volumes
    const alerts = (text: string) => (load(text) as any).groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    const here2 = alerts(read(COMPOSE, 'prometheus-config/telemetry-alerts.yml'));
    expect(here2.every((a: string) => alerts(kubernetesConfigMaps().get('prometheus-config')!['telemetry-alerts.yml']).includes(a))).toBe(true);
    expect(here2).not.toContain('TelemetryVolumeNearlyFull');
  });

  test('the Alloy config passes the catalog check and is what the printer renders', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-compose-'));
    const envs = new Environments(out);
    const env = envs.add(dev.name, dev.props, { compose: true });
    envs.synth();
    const cfg = env.composeStack!.alloy.config;
    for (const c of cfg.components) {
      expect(facts.components[c.componentName]).toBeDefined();
      expect({ c: c.componentId, unknown: unknownNames(c.toStatement().body, facts.components[c.componentName]) }).toEqual({ c: c.componentId, unknown: [] });
      // nothing the table says needs Kubernetes
      expect({ c: c.componentId, kubernetes: kubernetesOnly(configNeeds(cfg, 'x').components.find((n) => n.component === c)!) }).toEqual({ c: c.componentId, kubernetes: undefined });
    }
    expect(read(COMPOSE, 'alloy-config/config.alloy')).toBe(cfg.render());
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe('dist/compose/compose.yaml wiring', () => {
  const c = compose();
  const k8s = distManifests(path.join(DIST, dev.name)).map((m) => m.manifest).filter((m) => m.metadata.namespace === dev.props.namespace);
  const workloads = k8s.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind));
  const inCompose = workloads.filter((w) => c.services[w.metadata.name] !== undefined);

  test('one service per workload that does not need Kubernetes, with its image, arguments, user and restricted settings', () => {
    expect(inCompose.map((w) => w.metadata.name).sort()).toEqual(['alertmanager', 'alloy', 'grafana', 'loki', 'prometheus', 'tempo']);
    expect(workloads.filter((w) => !inCompose.includes(w)).map((w) => w.metadata.name).sort()).toEqual(['alloy-logs', 'alloy-metrics']);
    for (const w of inCompose) {
      const s = c.services[w.metadata.name];
      const container = w.spec.template.spec.containers[0];
      const name = w.metadata.name;
      expect({ name, image: s.image }).toEqual({ name, image: container.image });
      if (name !== 'alloy') expect({ name, command: s.command }).toEqual({ name, command: container.args });
      expect({ name, user: s.user }).toEqual({ name, user: `${container.securityContext.runAsUser}:${container.securityContext.runAsGroup}` });
      expect({ name, read_only: s.read_only, cap_drop: s.cap_drop, security_opt: s.security_opt })
        .toEqual({ name, read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
      expect(s.user).not.toMatch(/^0:/);
    }
  });

  test('ports: each Service port on 127.0.0.1 only; OTLP on the gateway, Tempo\'s only on the network', () => {
    const published = Object.entries(c.services).flatMap(([name, s]: [string, any]) => (s.ports ?? []).map((p: string) => ({ name, p })));
    for (const { p } of published) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const hostPorts = published.map(({ p }) => p.split(':')[1]);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(c.services.alloy.ports).toEqual(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318', '127.0.0.1:12345:12345']);
    expect(c.services.tempo.ports).toEqual(['127.0.0.1:3200:3200']);
    expect(c.services.grafana.ports).toEqual(['127.0.0.1:3000:3000']);
    // every port of every Service in front of a Compose service is published, or Tempo's OTLP taken by the gateway
    for (const svc of k8s.filter((m) => m.kind === 'Service' && m.spec.clusterIP !== 'None' && c.services[m.metadata.name] !== undefined)) {
      for (const port of svc.spec.ports) {
        const entry = `127.0.0.1:${port.port}:${port.port}`;
        const at = published.find(({ p }) => p === entry);
        expect({ svc: svc.metadata.name, port: port.port, by: at?.name }).toEqual({
          svc: svc.metadata.name, port: port.port, by: svc.metadata.name === 'tempo' && [4317, 4318].includes(port.port) ? 'alloy' : svc.metadata.name,
        });
      }
    }
  });

  test('every Service name resolves: headless Services and namespaced names are aliases of their workload\'s service', () => {
    expect(c.services.alloy.networks.default.aliases).toContain('alloy-cluster');
    expect(c.services.loki.networks.default.aliases).toContain(`loki.${dev.props.namespace}.svc`);
    const names = new Set(Object.entries(c.services).flatMap(([n, s]: [string, any]) => [n, ...(s.networks?.default.aliases ?? [])]));
    // every host name the configs and the smoke test reach is a service or an alias, on a port its container listens on
    const texts = [...fs.readdirSync(COMPOSE).filter((d) => fs.statSync(path.join(COMPOSE, d)).isDirectory())
      .flatMap((d) => fs.readdirSync(path.join(COMPOSE, d)).map((f) => read(path.join(COMPOSE, d), f))),
    JSON.stringify(c.services['smoke-test'].environment)];
    const hosts = new Set<string>();
    for (const t of texts) for (const m of t.matchAll(/(?:https?:\/\/|endpoint = "|- |names:\n\s+- )([a-z][a-z0-9.-]*):(\d+)/g)) hosts.add(`${m[1]}:${m[2]}`);
    for (const t of texts) for (const m of t.matchAll(/names:\n\s+- ([a-z][a-z0-9.-]*)\n/g)) hosts.add(`${m[1]}:12345`);
    expect(hosts.size).toBeGreaterThan(5);
    const listens = (service: string) => {
      const w = workloads.find((x) => x.metadata.name === service);
      return w.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort);
    };
    for (const hp of hosts) {
      const [host, port] = hp.split(':');
      if (host === 'localhost' || host === '0.0.0.0' || host === '127.0.0.1') continue;
      expect({ hp, resolves: names.has(host) }).toEqual({ hp, resolves: true });
      const service = Object.entries(c.services).find(([n, s]: [string, any]) => n === host || (s.networks?.default.aliases ?? []).includes(host))![0];
      expect({ hp, listens: listens(service).includes(Number(port)) }).toEqual({ hp, listens: true });
    }
  });

  test('volumes: a named volume for each PersistentVolumeClaim, at the same path; configs read-only; the rest tmpfs', () => {
    expect(Object.keys(c.volumes).sort()).toEqual(['alertmanager-data', 'alloy-data', 'loki-data', 'prometheus-data', 'tempo-data']);
    for (const w of inCompose) {
      const name = w.metadata.name;
      const container = w.spec.template.spec.containers[0];
      const volumes = w.spec.template.spec.volumes;
      for (const m of container.volumeMounts) {
        const v = volumes.find((x: any) => x.name === m.name);
        const s = c.services[name];
        if (v === undefined || v.persistentVolumeClaim !== undefined) {
          const volume = v?.persistentVolumeClaim?.claimName ?? `${name}-${m.name}`;
          expect({ name, mount: s.volumes.includes(`${volume}:${m.mountPath}`) }).toEqual({ name, mount: true });
        } else if (v.configMap !== undefined) {
          expect({ name, mount: s.volumes.includes(`./${v.configMap.name}:${m.mountPath}:ro`) }).toEqual({ name, mount: true });
          for (const key of Object.keys(k8s.find((x) => x.kind === 'ConfigMap' && x.metadata.name === v.configMap.name).data)) {
            expect(fs.existsSync(path.join(COMPOSE, v.configMap.name, key))).toBe(true);
          }
        } else {
          expect({ name, tmpfs: s.tmpfs.includes(m.mountPath) }).toEqual({ name, tmpfs: true });
        }
      }
    }
  });

  test('depends_on: who sends to or queries whom (not who scrapes whom), waiting for health where there is a check', () => {
    const deps = (s: string) => Object.keys(c.services[s].depends_on ?? {}).sort();
    expect(deps('alloy')).toEqual(['loki', 'prometheus', 'tempo']);
    expect(deps('grafana')).toEqual(['loki', 'prometheus', 'secrets-check', 'tempo']);
    expect(deps('tempo')).toEqual(['prometheus']);
    expect(deps('prometheus')).toEqual(['alertmanager']);
    expect(deps('smoke-test')).toEqual(['alloy', 'loki', 'prometheus', 'tempo']);
    for (const [name, s] of Object.entries(c.services) as Array<[string, any]>) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {}) as Array<[string, any]>) {
        const expected = dep === 'secrets-check' ? 'service_completed_successfully' : c.services[dep].healthcheck ? 'service_healthy' : 'service_started';
        expect({ name, dep, condition }).toEqual({ name, dep, condition: expected });
      }
    }
  });

  test('healthchecks from the readiness probes, with a command the image has; none for the distroless images', () => {
    for (const w of inCompose) {
      const name = w.metadata.name;
      const probe = w.spec.template.spec.containers[0].readinessProbe;
      const hc = c.services[name].healthcheck;
      if (['loki', 'tempo'].includes(name)) {
        expect({ name, hc }).toEqual({ name, hc: undefined });
        continue;
      }
      expect({ name, interval: hc.interval, timeout: hc.timeout, retries: hc.retries }).toEqual({
        name, interval: `${probe.periodSeconds}s`, timeout: `${probe.timeoutSeconds}s`, retries: probe.failureThreshold,
      });
      expect(hc.test.join(' ')).toContain(probe.httpGet.path);
    }
    expect(c.services.prometheus.healthcheck.test.slice(0, 2)).toEqual(['CMD', 'wget']);
    expect(c.services.grafana.healthcheck.test.slice(0, 2)).toEqual(['CMD', 'curl']);
    expect(c.services.alloy.healthcheck.test.slice(0, 2)).toEqual(['CMD', 'bash']);
  });

  test('the smoke test is the Job\'s: same script, image and environment, run on demand only', () => {
    const job = distManifests(path.join(DIST, dev.name, 'smoke-test')).map((m) => m.manifest).find((m) => m.kind === 'Job');
    const container = job.spec.template.spec.containers[0];
    const s = c.services['smoke-test'];
    expect(s.image).toBe(container.image);
    expect(s.entrypoint).toEqual(container.command);
    expect(s.environment).toEqual(Object.fromEntries(container.env.map((e: any) => [e.name, e.value])));
    expect(s.profiles).toEqual(['smoke']);
    expect(s.restart).toBe('no');
  });

  test('the README says what was left out and why, from the Kubernetes stack\'s tree', () => {
    const readme = read(COMPOSE, 'README.md');
    expect(readme).toContain('`otelcol.processor.k8sattributes.default` reads the Kubernetes API');
    expect(readme).toContain('the collector `alloy-logs` is not run');
    expect(readme).toContain('`loki.source.kubernetes.pod_logs` reads the Kubernetes API (pods, pods/log)');
    expect(readme).toMatch(/- NetworkPolicy \(\d+\): Compose puts every service on one network/);
    expect(readme).toMatch(/- ClusterRole \(\d+\): nothing in Compose calls the Kubernetes API/);
  });
});

describe('the README\'s Compose commands (no Docker engine here: their file through docker-compose config)', () => {
  withCompose('the .env line writes a password that docker-compose reads from beside compose.yaml; up and run name that file and services', () => {
    // a copy of dist/compose/ in a scratch folder, where the README's printf line runs as written
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-readme-compose-'));
    fs.cpSync(COMPOSE, path.join(work, 'dist', 'compose'), { recursive: true });
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GF_')));
    const printf = spawnSync('bash', ['-c', readmeCommand('printf ')], { cwd: work, encoding: 'utf-8', env: clean });
    expect(printf.status).toBe(0);
    const dotenv = read(path.join(work, 'dist', 'compose'), '.env');
    expect(dotenv).toMatch(/^GF_SECURITY_ADMIN_PASSWORD=[A-Za-z0-9+/=]{32}\n$/);
    for (const command of [readmeCommand('docker compose -f dist/compose/compose.yaml up'), readmeCommand('docker compose -f dist/compose/compose.yaml run')]) {
      const file = /-f (\S+)/.exec(command)![1];
      expect(file).toBe('dist/compose/compose.yaml');
      const run = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: work, encoding: 'utf-8', env: clean });
      expect({ command, status: run.status }).toEqual({ command, status: 0 });
      const resolved = load(run.stdout) as any;
      expect(resolved.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe(dotenv.trim().split('=').slice(1).join('='));
      const service = /run --rm (\S+)/.exec(command)?.[1];
      if (service !== undefined) expect(resolved.services[service].profiles).toEqual(['smoke']);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });
});

describe('one source: a prop changes both outputs the same way', () => {
  const out = synthInto([{
    name: dev.name,
    compose: true,
    props: {
      ...dev.props,
      alloy: { ...dev.props.alloy, otlpHttpPort: 4320, durability: { ...dev.props.alloy!.durability, tracesQueueSize: '1Gi' } },
      prometheus: { ...dev.props.prometheus, retention: '5d' },
      loki: { ...dev.props.loki, retention: '96h' },
    },
  }]);
  const k8s = distManifests(path.join(out, dev.name)).map((m) => m.manifest);
  const c = compose(path.join(out, 'compose'));
  const args = (name: string) => k8s.find((m) => ['Deployment', 'StatefulSet'].includes(m.kind) && m.metadata.name === name).spec.template.spec.containers[0].args;
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('a port: the gateway\'s OTLP/HTTP port', () => {
    const svc = k8s.find((m) => m.kind === 'Service' && m.metadata.name === 'alloy');
    expect(svc.spec.ports.map((p: any) => p.port)).toContain(4320);
    expect(read(path.join(out, dev.name), 'alloy/config.alloy')).toContain('endpoint = "0.0.0.0:4320"');
    expect(read(path.join(out, 'compose'), 'alloy-config/config.alloy')).toContain('endpoint = "0.0.0.0:4320"');
    expect(c.services.alloy.ports).toContain('127.0.0.1:4320:4320');
    // Tempo's 4318 is published now: nothing else takes it
    expect(c.services.tempo.ports).toContain('127.0.0.1:4318:4318');
    expect(c.services['smoke-test'].environment.OTLP_HTTP_ENDPOINT).toBe('http://alloy:4320');
    const job = distManifests(path.join(out, dev.name, 'smoke-test')).map((m) => m.manifest).find((m) => m.kind === 'Job');
    expect(job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'OTLP_HTTP_ENDPOINT').value).toBe('http://alloy:4320');
  });

  test('a retention: Prometheus\'s and Loki\'s', () => {
    expect(args('prometheus')).toContain('--storage.tsdb.retention.time=5d');
    expect(c.services.prometheus.command).toEqual(args('prometheus'));
    const loki = k8s.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'loki-config').data['loki.yaml'];
    expect(loki).toContain('retention_period: 96h');
    expect(read(path.join(out, 'compose'), 'loki-config/loki.yaml')).toContain('retention_period: 96h');
  });

  test('a queue size: the gateway\'s traces queue', () => {
    const line = `queue_size = ${1024 ** 3}`;
    const tempoExporter = (text: string) => text.slice(text.indexOf('otelcol.exporter.otlp "tempo"'));
    expect(tempoExporter(read(path.join(out, dev.name), 'alloy/config.alloy'))).toContain(line);
    expect(tempoExporter(read(path.join(out, 'compose'), 'alloy-config/config.alloy'))).toContain(line);
  });

  withCompose('docker-compose config accepts the changed project too', () => {
    expect(composeConfig(path.join(out, 'compose', 'compose.yaml')).status).toBe(0);
  });
});

describe('bad input', () => {
  test('fails when a component that needs the Kubernetes API is added to the Compose stack', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-compose-'));
    const envs = new Environments(out);
    const env = envs.add('dev', dev.props, { compose: true });
    new components.DiscoveryKubernetes(env.composeStack!.alloy.config, 'pods', { role: 'pod' });
    expect(() => envs.synth()).toThrow(
      'observability/alloy/config/pods (discovery.kubernetes.pods): discovery.kubernetes reads the Kubernetes API (pods), which a stack built for Docker Compose does not have (platform "compose"); add it to the stack built for Kubernetes only',
    );
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('fails when two environments ask for dist/compose/, or one is named compose', () => {
    const envs = new Environments(os.tmpdir());
    envs.add('dev', {}, { compose: true });
    expect(() => envs.add('prod', {}, { compose: true })).toThrow('environments: "dev" and "prod" both ask for');
    expect(() => envs.add('compose', {})).toThrow('environments: an environment named "compose" would share its folder with the Compose stack');
  });

  test('fails when two entry points would publish one port on 127.0.0.1', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { platform: 'compose', alloy: { extraPorts: [{ name: 'ui', port: 3000 }] } });
    expect(() => composeProject({ stack, kubernetes: new ObservabilityStack(testApp(), 'observability'), environment: 'x' }))
      .toThrow('alloy and grafana would both publish port 3000 on 127.0.0.1 (got 2 entry points of the stack among them); give one of them another port');
  });

  test('fails when the stack is not built for Compose, or a Kubernetes-only pipeline or instrument() is asked of one', () => {
    const k8s = new ObservabilityStack(testApp(), 'observability');
    expect(() => composeProject({ stack: k8s, kubernetes: k8s, environment: 'x' })).toThrow('composeProject takes a stack built for Compose (got platform "kubernetes")');
    const stack = new ObservabilityStack(testApp(), 'observability', { platform: 'compose' });
    expect(() => stack.kubeletMetrics).toThrow('observability: this stack runs no KubeletMetrics: its platform is "compose", where there are no kubelets');
    expect(() => stack.instrument({} as never)).toThrow('instrument() wires a Kubernetes workload to the gateway, but this stack\'s platform is "compose"');
    expect(() => new ObservabilityStack(testApp(), 'observability', { platform: 'nomad' as never })).toThrow('platform must be "kubernetes" or "compose" (got "nomad")');
  });

  test('output is deterministic', () => {
    const a = synthInto([dev]);
    const b = synthInto([dev]);
    for (const f of fs.readdirSync(path.join(a, 'compose'))) {
      if (fs.statSync(path.join(a, 'compose', f)).isFile()) expect(read(path.join(a, 'compose'), f)).toBe(read(path.join(b, 'compose'), f));
    }
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  });
});


describe('composeProject on objects of your own', () => {
  /** A Compose stack with one more Deployment `extra` (and its Service) in its chart. */
  function withExtra(pod: Record<string, unknown>, container: Record<string, unknown> = {}, service = true) {
    const stack = new ObservabilityStack(testApp(), 'observability', { platform: 'compose' });
    const labels = { 'app.kubernetes.io/name': 'extra' };
    new KubeDeployment(stack, 'extra', {
      metadata: { name: 'extra', namespace: 'observability' },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: 'extra', image: 'example/extra:1', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/ready', port: IntOrString.fromString('http') } }, ...container }],
            ...pod,
          },
        },
      },
    });
    if (service) new KubeService(stack, 'extra-service', { metadata: { name: 'extra', namespace: 'observability' }, spec: { selector: labels, ports: [{ port: 8080 }] } });
    return () => composeProject({ stack, kubernetes: new ObservabilityStack(testApp(), 'observability'), environment: 'x' });
  }

  test('a Secret mounted as files is a folder you write; an unknown image gets no healthcheck, and the README says why', () => {
    const project = withExtra(
      { volumes: [{ name: 'creds', secret: { secretName: 'extra-creds' } }] },
      { volumeMounts: [{ name: 'creds', mountPath: '/etc/creds', readOnly: true }], env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
    )();
    const c = load(project.files.get('compose.yaml')!) as any;
    expect(c.services.extra.volumes).toEqual(['./secrets/extra-creds:/etc/creds:ro']);
    expect(c.services.extra.environment).toEqual({ POD: 'extra' });
    expect(c.services.extra.healthcheck).toBeUndefined();
    expect(c.services.extra.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(project.files.get('README.md')).toContain('none: no HTTP client known in the image example/extra:1');
    expect(project.files.get('README.md')).toContain('- `secrets/extra-creds/` (extra)');
  });

  test('fails when a volume, a variable or a pod has no Compose equivalent', () => {
    expect(withExtra({ volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] }, { volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] }))
      .toThrow('observability/extra: the volume logs (got ["hostPath"]) has no Compose equivalent; Compose takes ConfigMaps, Secrets, emptyDirs and PersistentVolumeClaims');
    expect(withExtra({}, { env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] }))
      .toThrow('observability/extra: the variable NODE comes from {"fieldRef":{"fieldPath":"spec.nodeName"}}, which has no Compose equivalent');
    expect(withExtra({}, { env: [{ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }))
      .toThrow('reads the Secret other (key k), but another service reads grafana-admin (key admin-password) under that name');
    expect(withExtra({ initContainers: [{ name: 'init', image: 'busybox' }] }))
      .toThrow('observability/extra: a Compose service runs one container (got 1 containers and 1 init containers); run one container per pod');
    expect(withExtra({}, {}, false)).not.toThrow();
  });

  test('fails when a Service selects no workload, or services depend on each other in a cycle', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { platform: 'compose' });
    new KubeService(stack, 'nothing', { metadata: { name: 'nothing', namespace: 'observability' }, spec: { selector: { app: 'none' }, ports: [{ port: 1 }] } });
    const kubernetes = new ObservabilityStack(testApp(), 'observability');
    expect(() => composeProject({ stack, kubernetes, environment: 'x' })).toThrow('a Service must select the pods of one workload to be a Compose alias (got 0: none)');

    const cyclic = new ObservabilityStack(testApp(), 'observability', { platform: 'compose' });
    Connections.of(cyclic).allow(cyclic.alertmanager.workload.peer, cyclic.prometheus.workload.peer, 9090);
    expect(() => composeProject({ stack: cyclic, kubernetes, environment: 'x' }))
      .toThrow('the services depend on each other in a cycle (got alertmanager -> prometheus -> alertmanager); Compose cannot order them: break one of the connections');
  });
});
