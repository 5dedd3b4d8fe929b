import { createHash } from 'crypto';
import * as path from 'path';
import { Expr, ObservabilityStack } from '../../lib';
import { OtelcolExporterDebug, OtelcolExporterSplunkhec, OtelcolStorageFile } from '../../imports/alloy';
import { facts, unknownNames } from '../support/alloy-facts';
import { expectGolden } from '../support/golden';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';

function synth(): { stack: ObservabilityStack; manifests: Manifest[] } {
  const stack = new ObservabilityStack(testApp(), 'observability');
  return { stack, manifests: manifestsOf(stack) };
}

const { stack, manifests } = synth();
const alloyConfig: string = find(manifests, 'ConfigMap', 'alloy-config').data['config.alloy'];

function attributeValues(config: string, name: string): string[] {
  return [...config.matchAll(new RegExp(`^\\s*${name}\\s*= "([^"]*)"`, 'gm'))].map((m) => m[1]);
}

function serviceHasPort(host: string, port: number): boolean {
  const svc = manifests.find((m) => m.kind === 'Service' && m.metadata.name === host);
  return svc !== undefined && svc.spec.ports.some((p: { port: number }) => p.port === port);
}

describe('ObservabilityStack (default)', () => {
  test('config.alloy matches the golden file', () => {
    expectGolden(path.join(__dirname, 'golden', 'default-config.alloy'), alloyConfig);
  });

  test('objects: a Namespace first, then each workload\'s objects, all in the namespace but the cluster-scoped RBAC', () => {
    expect(manifests[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'observability' } });
    expect(manifests[0].metadata.namespace).toBeUndefined();
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(names).toEqual([
      'ClusterRole/observability-alloy',
      'ClusterRole/observability-alloy-logs',
      'ClusterRole/observability-alloy-metrics',
      'ClusterRoleBinding/observability-alloy',
      'ClusterRoleBinding/observability-alloy-logs',
      'ClusterRoleBinding/observability-alloy-metrics',
      'ConfigMap/alertmanager-config',
      'ConfigMap/alloy-config',
      'ConfigMap/alloy-logs-config',
      'ConfigMap/alloy-metrics-config',
      'ConfigMap/grafana-config',
      'ConfigMap/grafana-dashboards',
      'ConfigMap/loki-config',
      'ConfigMap/prometheus-config',
      'ConfigMap/tempo-config',
      'Deployment/alertmanager',
      'Deployment/grafana',
      'Deployment/loki',
      'Deployment/prometheus',
      'Deployment/tempo',
      'Namespace/observability',
      'NetworkPolicy/alertmanager',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/alloy',
      'NetworkPolicy/alloy-logs',
      'NetworkPolicy/alloy-metrics',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/grafana',
      'NetworkPolicy/loki',
      'NetworkPolicy/prometheus',
      'NetworkPolicy/tempo',
      'PersistentVolumeClaim/alertmanager-data',
      'PersistentVolumeClaim/loki-data',
      'PersistentVolumeClaim/prometheus-data',
      'PersistentVolumeClaim/tempo-data',
      'PodDisruptionBudget/alloy',
      'PodDisruptionBudget/alloy-logs',
      'PodDisruptionBudget/alloy-metrics',
      'Service/alertmanager',
      'Service/alloy',
      'Service/alloy-cluster',
      'Service/alloy-logs',
      'Service/alloy-logs-cluster',
      'Service/alloy-metrics',
      'Service/alloy-metrics-cluster',
      'Service/grafana',
      'Service/loki',
      'Service/prometheus',
      'Service/tempo',
      'ServiceAccount/alloy',
      'ServiceAccount/alloy-logs',
      'ServiceAccount/alloy-metrics',
      'StatefulSet/alloy',
      'StatefulSet/alloy-logs',
      'StatefulSet/alloy-metrics',
    ]);
    for (const m of manifests.filter((x) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(x.kind))) {
      expect(`${m.kind}/${m.metadata.name}: ${m.metadata.namespace}`).toBe(`${m.kind}/${m.metadata.name}: observability`);
    }
  });

  test('every manifest passes the strict Kubernetes 1.28 schema', () => {
    for (const m of manifests) {
      expect({ object: `${m.kind}/${m.metadata.name}`, errors: schemaErrors(m) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, errors: [] });
    }
  });

  test('names are stable: no hash suffixes', () => {
    for (const m of manifests) {
      expect(m.metadata.name).toMatch(/^(observability|alloy|alloy-metrics|alloy-logs|tempo|prometheus|loki|grafana|alertmanager|default-deny|allow-dns)(-config|-data|-dashboards|-alloy|-alloy-metrics|-alloy-logs|-cluster)?$/);
    }
  });

  test('the Alloy Service exposes OTLP gRPC 4317, OTLP HTTP 4318 and 12345 with app protocols', () => {
    expect(find(manifests, 'Service', 'alloy').spec.ports).toEqual([
      { name: 'otlp-grpc', port: 4317, targetPort: 'otlp-grpc', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'otlp-http', port: 4318, targetPort: 'otlp-http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'http-metrics', port: 12345, targetPort: 'http-metrics', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  test('the Alloy container: image, args, ports, readiness, config mount, ServiceAccount', () => {
    const pod = find(manifests, 'StatefulSet', 'alloy').spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('grafana/alloy:v1.18.1');
    expect(c.args).toEqual([
      'run', '/etc/alloy/config.alloy', '--storage.path=/var/lib/alloy/data', '--server.http.listen-addr=0.0.0.0:12345',
      '--stability.level=public-preview', '--disable-reporting',
    ]);
    expect(c.ports.map((p: { name: string; containerPort: number }) => `${p.name}:${p.containerPort}`)).toEqual([
      'otlp-grpc:4317', 'otlp-http:4318', 'http-metrics:12345',
    ]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http-metrics' });
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/alloy', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'alloy-config' } });
    expect(pod.serviceAccountName).toBe('alloy');
    // the enrichment reads pods, namespaces, nodes and replicasets: the token is mounted and the ClusterRole allows just that
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(find(manifests, 'ClusterRole', 'observability-alloy').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(manifests, 'ClusterRoleBinding', 'observability-alloy').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'observability' }]);
  });

  test('config.alloy uses only component, argument and block names Alloy v1.18.1 accepts', () => {
    const cfg = stack.alloy.config;
    expect(cfg.components.length).toBe(9);
    for (const c of cfg.components) {
      expect({ c: c.componentId, unknown: unknownNames(c.toStatement().body, facts.components[c.componentName]) }).toEqual({ c: c.componentId, unknown: [] });
    }
    for (const b of cfg.configBlocks) {
      expect(unknownNames(b.toStatement().body, facts.configBlocks[b.componentName])).toEqual([]);
    }
  });

  test('--stability.level is the lowest stability of the components used', () => {
    const levels = new Set(stack.alloy.config.components.map((c) => facts.components[c.componentName].stability));
    // the disk queue (otelcol.storage.file) is public preview
    expect([...levels].sort()).toEqual(['generally-available', 'public-preview']);
    expect(find(manifests, 'StatefulSet', 'alloy').spec.template.spec.containers[0].args).toContain('--stability.level=public-preview');
  });

  test('the receivers listen on the ports the Service and container expose', () => {
    expect(alloyConfig).toContain('grpc {\n\t\tendpoint = "0.0.0.0:4317"\n\t}');
    expect(alloyConfig).toContain('http {\n\t\tendpoint = "0.0.0.0:4318"\n\t}');
  });

  test('the pod template carries the sha256 of config.alloy, so a config change rolls the pods', () => {
    const annotations = find(manifests, 'StatefulSet', 'alloy').spec.template.metadata.annotations;
    expect(annotations['checksum/config']).toBe(createHash('sha256').update(alloyConfig).digest('hex'));
  });

  test('the exporters point at the Tempo, Prometheus and Loki Services of the same app', () => {
    const endpoints = attributeValues(alloyConfig, 'endpoint').filter((e) => !e.startsWith('0.0.0.0'));
    expect(endpoints).toEqual(['http://prometheus:9090/api/v1/otlp', 'http://loki:3100/otlp', 'tempo:4317']);
    expect(serviceHasPort('tempo', 4317)).toBe(true);
    expect(stack.tempo.otlpGrpcEndpoint).toBe('tempo:4317');
    expect(stack.loki.otlpUrl).toBe('http://loki:3100/otlp');
    expect(stack.prometheus.otlpUrl).toBe('http://prometheus:9090/api/v1/otlp');
    for (const u of endpoints.filter((e) => e.startsWith('http')).map((e) => new URL(e))) {
      expect(serviceHasPort(u.hostname, Number(u.port))).toBe(true);
    }
    // scraped metrics go by remote write, from alloy-metrics
    const metrics = find(manifests, 'ConfigMap', 'alloy-metrics-config').data['config.alloy'] as string;
    expect(attributeValues(metrics, 'url')).toEqual([stack.prometheus.remoteWriteUrl]);
  });

  test('traces go to Tempo over OTLP gRPC without TLS inside the cluster; nothing logs payloads', () => {
    expect(alloyConfig).toContain('otelcol.exporter.otlp "tempo" {\n\tclient {\n\t\tendpoint = "tempo:4317"\n\n\t\ttls {\n\t\t\tinsecure = true\n\t\t}\n\t}\n');
    expect(alloyConfig).not.toMatch(/debug|livedebugging/);
    // Alloy's own logs go to stderr, where the pod-logs pipeline reads them like every pod's
    expect(alloyConfig).toContain('logging {\n\tformat = "logfmt"\n\tlevel  = "info"\n}');
  });

  test('Prometheus runs with the remote-write and OTLP receivers, exemplar storage and delta conversion', () => {
    const c = find(manifests, 'Deployment', 'prometheus').spec.template.spec.containers[0];
    expect(c.args).toContain('--web.enable-remote-write-receiver');
    expect(c.args).toContain('--web.enable-otlp-receiver');
    expect(c.args).toContain('--enable-feature=exemplar-storage,otlp-deltatocumulative');
    const off = new ObservabilityStack(testApp(), 'o', { prometheus: { convertDeltaToCumulative: false } });
    expect(find(manifestsOf(off), 'Deployment', 'prometheus').spec.template.spec.containers[0].args).toContain('--enable-feature=exemplar-storage');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
  });

  test('Prometheus scrapes itself and every workload of the stack on a port its Service exposes', () => {
    const config = find(manifests, 'ConfigMap', 'prometheus-config').data['prometheus.yml'];
    const yaml = require('js-yaml');
    const jobs = yaml.load(config).scrape_configs as Array<{
      job_name: string; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
    }>;
    expect(jobs.map((j) => j.job_name)).toEqual(['prometheus', 'alloy', 'alloy-metrics', 'alloy-logs', 'alertmanager', 'tempo', 'loki', 'grafana']);
    for (const job of jobs.slice(1)) {
      if (job.dns_sd_configs) {
        // the collectors: every pod, through the A records of a headless Service
        const [{ names: [host], type, port }] = job.dns_sd_configs;
        expect(type).toBe('A');
        expect(find(manifests, 'Service', host).spec.clusterIP).toBe('None');
        expect(serviceHasPort(host, port)).toBe(true);
      } else {
        const [host, port] = job.static_configs![0].targets[0].split(':');
        expect(serviceHasPort(host, Number(port))).toBe(true);
      }
    }
    expect(jobs.filter((j) => j.dns_sd_configs).map((j) => j.job_name)).toEqual(['alloy', 'alloy-metrics', 'alloy-logs']);
  });

  test('readiness probes of the backends', () => {
    const probe = (name: string) => find(manifests, 'Deployment', name).spec.template.spec.containers[0].readinessProbe.httpGet;
    expect(probe('tempo')).toEqual({ path: '/ready', port: 'http' });
    expect(probe('loki')).toEqual({ path: '/ready', port: 'http' });
    expect(probe('grafana')).toEqual({ path: '/api/health', port: 'http' });
  });

  test('Grafana provisions Prometheus, Tempo and Loki with fixed uids at their Services', () => {
    const yaml = require('js-yaml');
    const file = yaml.load(find(manifests, 'ConfigMap', 'grafana-config').data['datasources.yaml']);
    expect(file.apiVersion).toBe(1);
    const byUid = Object.fromEntries(file.datasources.map((d: { uid: string; url: string; type: string }) => [d.uid, `${d.type} ${d.url}`]));
    expect(byUid).toEqual({
      prometheus: 'prometheus http://prometheus:9090',
      tempo: 'tempo http://tempo:3200',
      loki: 'loki http://loki:3100',
    });
    for (const d of file.datasources) {
      const u = new URL(d.url);
      expect(serviceHasPort(u.hostname, Number(u.port))).toBe(true);
    }
    const mounts = find(manifests, 'Deployment', 'grafana').spec.template.spec.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'config', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true });
  });

  test('Grafana\'s admin password comes from a required Secret by reference, never a literal or the default', () => {
    const env = find(manifests, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'GF_SECURITY_ADMIN_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } },
    });
  });

  test('every container runs non-root with an explicit UID under the restricted profile', () => {
    const uids: Record<string, number> = { alloy: 473, tempo: 10001, loki: 10001, prometheus: 65534, grafana: 472, alertmanager: 65534 };
    for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
      const pod = d.spec.template.spec;
      const uid = uids[d.metadata.name];
      expect(pod.securityContext).toEqual({
        runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({
          runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, allowPrivilegeEscalation: false, privileged: false,
          readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        const writable = c.volumeMounts.filter((v: { readOnly?: boolean }) => !v.readOnly).map((v: { mountPath: string }) => v.mountPath);
        expect(writable).toContain('/tmp');
        for (const v of pod.volumes) {
          expect(v.hostPath).toBeUndefined();
        }
      }
    }
  });

  test('synth is deterministic: the same input gives the same objects', () => {
    expect(JSON.stringify(synth().manifests)).toBe(JSON.stringify(manifests));
  });

  test('snapshot of all manifests', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('ObservabilityStack: Alloy stability level', () => {
  const args = (stack: ObservabilityStack): string[] => find(manifestsOf(stack), 'StatefulSet', 'alloy').spec.template.spec.containers[0].args;

  test('--stability.level follows the least stable component the config uses', () => {
    const stack = new ObservabilityStack(testApp(), 'observability');
    const storage = new OtelcolStorageFile(stack.alloy.config, 'another_queue');
    expect(storage.stability).toBe('public-preview');
    expect(args(stack)).toContain('--stability.level=public-preview');
    const stack2 = new ObservabilityStack(testApp(), 'observability');
    new OtelcolExporterDebug(stack2.alloy.config, 'debug');
    expect(args(stack2)).toContain('--stability.level=experimental');
  });

  test('community components turn on their feature flag', () => {
    expect(args(new ObservabilityStack(testApp(), 'observability'))).not.toContain('--feature.community-components.enabled=true');
    const stack = new ObservabilityStack(testApp(), 'observability');
    const splunk = new OtelcolExporterSplunkhec(stack.alloy.config, 'splunk', {
      splunk: { token: Expr.env('SPLUNK_TOKEN') }, client: { endpoint: 'https://splunk:8088' },
    });
    expect(splunk.stability).toBe('community');
    expect(args(stack)).toContain('--feature.community-components.enabled=true');
  });

  test('a lower pinned level is kept', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { alloy: { stabilityLevel: 'experimental' } });
    expect(args(stack)).toContain('--stability.level=experimental');
  });

  test('fails when the pinned level is higher than the config needs', () => {
    const app = testApp();
    new ObservabilityStack(app, 'observability', { alloy: { stabilityLevel: 'generally-available' } });
    expect(() => app.synth()).toThrow(
      'observability/alloy: stabilityLevel is pinned to "generally-available" but the config uses public-preview components ' +
      '(otelcol.storage.file.queue); pin "public-preview" or lower, or leave stabilityLevel unset',
    );
  });
});

describe('ObservabilityStack props', () => {
  test('namespace, ports, retention, images and resources are props', () => {
    const custom = new ObservabilityStack(testApp(), 'lgtm', {
      namespace: 'telemetry',
      alloy: { otlpGrpcPort: 14317, otlpHttpPort: 14318, logging: { level: 'warn' } },
      tempo: { retention: '72h', image: 'grafana/tempo:2.10.9' },
      prometheus: { retention: '30d', resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } } },
      loki: { retention: '336h' },
      grafana: { adminSecretName: 'my-grafana' },
    });
    const ms = manifestsOf(custom);
    expect(ms[0].metadata.name).toBe('telemetry');
    expect(ms.filter((m) => !m.kind.startsWith('Cluster') && m.kind !== 'Namespace').every((m) => m.metadata.namespace === 'telemetry')).toBe(true);
    expect(find(ms, 'ClusterRole', 'telemetry-alloy').metadata.namespace).toBeUndefined();
    expect(ms.every((m) => m.kind === 'Namespace' || m.metadata.labels?.['app.kubernetes.io/instance'] === 'lgtm')).toBe(true);
    const cfg = find(ms, 'ConfigMap', 'alloy-config').data['config.alloy'];
    expect(cfg).toContain('endpoint = "0.0.0.0:14317"');
    expect(cfg).toContain('level  = "warn"');
    expect(find(ms, 'Service', 'alloy').spec.ports.map((p: { port: number }) => p.port)).toEqual([14317, 14318, 12345]);
    expect(find(ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']).toContain('block_retention: 72h');
    expect(find(ms, 'Deployment', 'tempo').spec.template.spec.containers[0].image).toBe('grafana/tempo:2.10.9');
    expect(find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.time=30d');
    expect(find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '8Gi' });
    expect(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']).toContain('retention_period: 336h');
    expect(JSON.stringify(find(ms, 'Deployment', 'grafana'))).toContain('"name":"my-grafana"');
    for (const m of ms) {
      expect(schemaErrors(m)).toEqual([]);
    }
  });

  test('fails when the namespace or the stack id is not a DNS label', () => {
    expect(() => new ObservabilityStack(testApp(), 'ok', { namespace: 'Observability' })).toThrow(
      'ok: invalid namespace (got "Observability"); use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (for example "observability")',
    );
    expect(() => new ObservabilityStack(testApp(), 'My_Stack')).toThrow('My_Stack: invalid stack id (used as app.kubernetes.io/instance) (got "My_Stack")');
  });
});
