import { Chart, Testing } from 'cdk8s';
import { load } from 'js-yaml';
import { distManifests, listFiles } from '../support/dist';
import * as fs from 'fs';
import * as path from 'path';
import { Alertmanager, Alloy, Destination, Expr, ObservabilityStack, OtlpGateway } from '../../lib';
import {
  BeylaEbpf, DiscoveryKubelet, DiscoveryKubernetes, LokiSourceKubernetes, LokiWrite, RemoteKubernetesSecret,
} from '../../imports/alloy';
import { find, manifestsOf, testApp } from '../support/manifests';

describe('NetworkPolicies', () => {
  const ms = manifestsOf(new ObservabilityStack(testApp(), 'observability'));
  const policy = (name: string) => find(ms, 'NetworkPolicy', name).spec;

  test('default deny for ingress and egress in the namespace, DNS allowed', () => {
    expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy('allow-dns').egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  test('OTLP into Alloy from every namespace; its metrics port only from Prometheus and its peers', () => {
    expect(policy('alloy').ingress).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }] },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'prometheus' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } } }], ports: [{ protocol: 'TCP', port: 12345 }] },
    ]);
  });

  test('Alloy reaches the backends by pod, the API server and the kubelets; Tempo reaches Prometheus; Grafana the backends', () => {
    const egress = policy('alloy').egress;
    const byApp = (rule: any) => rule.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] ?? rule.to[0].ipBlock.cidr;
    expect(egress.map((r: any) => [byApp(r), r.ports.map((p: any) => p.port)])).toEqual([
      ['prometheus', [9090]], ['loki', [3100]], ['tempo', [4317]], ['alloy', [12345]], ['0.0.0.0/0', [443, 6443]],
    ]);
    // alloy-metrics: remote write, any pod of any namespace (annotated targets), the API, the
    // kubelets; no Loki: its own logs are read from its stderr by alloy-logs
    const metrics = policy('alloy-metrics').egress;
    expect(metrics.map((r: any) => [r.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] ?? r.to[0].ipBlock?.cidr ?? 'any pod', r.ports?.map((p: any) => p.port) ?? 'any port'])).toEqual([
      ['prometheus', [9090]], ['any pod', 'any port'], ['alloy-metrics', [12345]], ['0.0.0.0/0', [443, 6443]], ['0.0.0.0/0', [10250]],
    ]);
    expect(metrics[1]).toEqual({ to: [{ namespaceSelector: {} }] });
    // alloy-logs: Loki and the API only
    expect(policy('alloy-logs').egress.map(byApp)).toEqual(['loki', 'alloy-logs', '0.0.0.0/0']);
    // a backend takes data from the collectors that send to it, and no other
    const from = (name: string) => policy(name).ingress[0].from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/name']);
    expect(from('loki')).toEqual(['alloy', 'alloy-logs', 'grafana', 'prometheus']);
    expect(from('prometheus')).toEqual(['alloy', 'alloy-metrics', 'tempo', 'grafana']);
    expect(from('tempo')).toEqual(['alloy']);
    // the gateway sends OTLP gRPC to Tempo, recorded where its exporter is made: that port only
    expect(policy('tempo').ingress[0].ports).toEqual([{ protocol: 'TCP', port: 4317 }]);
    expect(policy('tempo').egress).toEqual([{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 9090 }] }]);
    expect(policy('grafana').egress.map((r: any) => r.ports[0].port)).toEqual([9090, 3200, 3100]);
    expect(policy('prometheus').egress.map((r: any) => r.ports[0].port)).toEqual([12345, 12345, 12345, 9093, 3200, 3100, 3000]);
    // Grafana takes users from the allowed namespaces, and Prometheus's scrapes
    expect(policy('grafana').ingress.map((r: any) => r.from)).toEqual([
      [{ namespaceSelector: {} }],
      [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'prometheus' } } }],
    ]);
  });

  test('a scrape target outside the stack gets Prometheus egress; cluster CIDRs narrow the API and kubelet rules', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { networkPolicies: { clusterCidrs: ['10.0.0.0/8'] } });
    stack.prometheus.addScrapeTarget({ job: 'myapp', address: 'myapp.apps:8080' });
    const m = manifestsOf(stack);
    const prom = find(m, 'NetworkPolicy', 'prometheus').spec.egress;
    expect(prom[prom.length - 1]).toEqual({ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    const alloy = find(m, 'NetworkPolicy', 'alloy-metrics').spec.egress;
    expect(alloy.filter((r: any) => r.to[0].ipBlock).map((r: any) => [r.to[0].ipBlock.cidr, r.ports.map((p: any) => p.port)])).toEqual([['10.0.0.0/8', [443, 6443]], ['10.0.0.0/8', [10250]]]);
  });

  test('OTLP can be restricted to namespaces by label; policies can be turned off', () => {
    const m = manifestsOf(new ObservabilityStack(testApp(), 'observability', { networkPolicies: { otlpFromNamespaces: { 'telemetry/send': 'true' } } }));
    expect(find(m, 'NetworkPolicy', 'alloy').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'telemetry/send': 'true' } } }]);
    const off = manifestsOf(new ObservabilityStack(testApp(), 'observability', { networkPolicies: false }));
    expect(off.filter((x) => x.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('an external destination gets the egress it needs; Alertmanager gets its receivers\' ports', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', {
      alertmanager: { receivers: [{ name: 'default', webhooks: [{ url: 'http://hooks.example.com:8080/a' }], slack: [{ apiUrl: { name: 's', key: 'u' }, channel: '#a' }] }] },
      alloy: { storageSize: '15Gi' },
    });
    new OtlpGateway(stack.alloy.config, 'vendor', {
      label: 'vendor', grpcPort: 4317, httpPort: 4318,
      traces: Destination.otlpGrpc({ name: 'vendor', endpoint: 'otlp.vendor.example:4443' }),
    });
    const m = manifestsOf(stack);
    const egress = find(m, 'NetworkPolicy', 'alloy').spec.egress;
    expect(egress[egress.length - 1]).toEqual({ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 4443 }] });
    expect(find(m, 'NetworkPolicy', 'alertmanager').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 8080 }] }]);
  });
});

describe('RBAC by need', () => {
  const collector = (build: (a: Alloy) => void) => {
    const chart = new Chart(testApp(), 'c');
    const alloy = new Alloy(chart, 'alloy', { namespace: 'obs' });
    build(alloy);
    return manifestsOf(chart);
  };
  const rbac = (ms: any[]) => ms.filter((m) => /Role/.test(m.kind)).map((m) => ({ kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace, rules: m.rules }));
  const token = (ms: any[]) => find(ms, 'StatefulSet', 'alloy').spec.template.spec.automountServiceAccountToken;

  test('no component that needs the API: no role at all, and no mounted token', () => {
    const ms = collector(() => undefined);
    expect(rbac(ms)).toEqual([]);
    expect(token(ms)).toBe(false);
  });

  test('discovery.kubernetes with role pod: pods get/list/watch, cluster-wide', () => {
    const ms = collector((a) => new DiscoveryKubernetes(a.config, 'pods', { role: 'pod' }));
    expect(rbac(ms).filter((r) => r.kind === 'ClusterRole')).toEqual([
      { kind: 'ClusterRole', name: 'obs-alloy', namespace: undefined, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] },
    ]);
    expect(token(ms)).toBe(true);
  });

  test('limited to namespaces: a Role in each, no ClusterRole', () => {
    const ms = collector((a) => new DiscoveryKubernetes(a.config, 'svc', { role: 'service', namespaces: { names: ['apps'], ownNamespace: true } }));
    expect(rbac(ms).filter((r) => r.kind === 'Role')).toEqual([
      { kind: 'Role', name: 'obs-alloy', namespace: 'apps', rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] }] },
      { kind: 'Role', name: 'alloy', namespace: 'obs', rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] }] },
    ]);
    expect(rbac(ms).some((r) => r.kind === 'ClusterRole')).toBe(false);
    expect(find(ms, 'RoleBinding', 'obs-alloy').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'obs' }]);
  });

  test('fails closed: a component whose needs are not derived, or an argument given as an expression', () => {
    const app = testApp();
    const a = new Alloy(new Chart(app, 'c'), 'alloy', { namespace: 'obs' });
    new DiscoveryKubelet(a.config, 'kubelet', {});
    expect(() => app.synth()).toThrow('c/alloy/config/kubelet (discovery.kubelet.kubelet): discovery.kubelet needs Kubernetes API access that cdk8s-alloy does not derive; grant it with alloy.grantClusterAccess');
    const app2 = testApp();
    const b = new Alloy(new Chart(app2, 'c'), 'alloy', { namespace: 'obs' });
    new RemoteKubernetesSecret(b.config, 's', { namespace: 'obs', name: Expr.env('SECRET_NAME') });
    expect(() => app2.synth()).toThrow('c/alloy/config/s (remote.kubernetes.secret.s): name must be a literal to derive the RBAC it needs (got an expression)');
  });

  test('fails closed for every component the table of needs marks as not derived (beyla.ebpf too), unless access is granted', () => {
    const app = testApp();
    const a = new Alloy(new Chart(app, 'c'), 'alloy', { namespace: 'obs' });
    new BeylaEbpf(a.config, 'beyla', {});
    expect(() => app.synth()).toThrow('c/alloy/config/beyla (beyla.ebpf.beyla): beyla.ebpf needs Kubernetes API access that cdk8s-alloy does not derive; grant it with alloy.grantClusterAccess([...]) (the rules its documentation lists)');
    const ms = collector((b) => {
      b.grantClusterAccess([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
      new BeylaEbpf(b.config, 'beyla', {});
    });
    expect(rbac(ms).map((r) => [r.kind, r.rules])).toEqual([
      ['ClusterRole', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]], ['ClusterRoleBinding', undefined],
    ]);
  });

  test('loki.source.kubernetes reads pods/log; remote.kubernetes.secret gets that one Secret', () => {
    const ms = collector((a) => {
      new LokiSourceKubernetes(a.config, 'pods', { targets: [], forwardTo: [], dropOutput: true, clustering: { enabled: true } });
      new RemoteKubernetesSecret(a.config, 'creds', { namespace: 'obs', name: 'otlp-credentials' });
    });
    expect(find(ms, 'ClusterRole', 'obs-alloy').rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(ms, 'Role', 'alloy').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['otlp-credentials'] }]);
  });
});

describe('secrets only by reference', () => {
  test('a sentinel secret given in every wrong way never reaches dist/ or an error message', () => {
    const SENTINEL = 'S3NT1NEL-do-not-leak';
    const attempts: Array<() => unknown> = [
      () => { const s = new ObservabilityStack(testApp(), 'o'); new LokiWrite(s.alloy.config, 'w', { endpoint: { url: 'http://x', bearerToken: SENTINEL as never } }); return manifestsOf(s); },
      () => { const s = new ObservabilityStack(testApp(), 'o'); new LokiWrite(s.alloy.config, 'w', { endpoint: { url: 'http://x', bearerToken: Expr.call('string.format', SENTINEL) } }); return manifestsOf(s); },
      () => { const s = new ObservabilityStack(testApp(), 'o'); new LokiWrite(s.alloy.config, 'w', { endpoint: { url: 'http://x', headers: { 'DD-API-KEY': SENTINEL } } }); return manifestsOf(s); },
      () => Destination.remoteWrite({ name: 'm', url: `https://user:${SENTINEL}@mimir.example.com/api/v1/push` }),
      () => Destination.otlpGrpc({ name: 'm', endpoint: `https://x.example.com/?api_key=${SENTINEL}` }),
      () => new Alertmanager(Testing.chart(), 'am', { namespace: 'o', receivers: [{ name: 'default', webhooks: [{ url: `https://hooks.example.com/?token=${SENTINEL}` }] }] }),
    ];
    for (const attempt of attempts) {
      let message = '';
      let output = '';
      try {
        output = JSON.stringify(attempt());
      } catch (e) {
        message = (e as Error).message;
      }
      expect({ message: message.includes(SENTINEL), output: output.includes(SENTINEL), failed: message !== '' }).toEqual({ message: false, output: false, failed: true });
    }
  });

  test('destination credentials come from a Secret into an env var read with sys.env', () => {
    const stack = new ObservabilityStack(testApp(), 'observability', { alloy: { storageSize: '15Gi' } });
    new OtlpGateway(stack.alloy.config, 'vendor', {
      label: 'vendor', grpcPort: 4317, httpPort: 4318,
      traces: Destination.otlpGrpc({ name: 'vendor', endpoint: 'otlp.vendor.example:443', credentials: { bearerToken: { name: 'vendor-otlp', key: 'token' } } }),
      metrics: Destination.remoteWrite({ name: 'mimir', url: 'https://mimir.example.com/api/v1/push', credentials: { basicAuth: { username: 'tenant-1', password: { name: 'mimir', key: 'password' } } } }),
    });
    const ms = manifestsOf(stack);
    const config = find(ms, 'ConfigMap', 'alloy-config').data['config.alloy'];
    expect(config).toContain('otelcol.auth.bearer "vendor" {\n\ttoken = sys.env("SECRET_VENDOR_OTLP_TOKEN")\n}');
    expect(config).toContain('\t\tauth     = otelcol.auth.bearer.vendor.handler');
    expect(config).toContain('\t\tbasic_auth {\n\t\t\tpassword = sys.env("SECRET_MIMIR_PASSWORD")\n\t\t\tusername = "tenant-1"\n\t\t}');
    expect(find(ms, 'StatefulSet', 'alloy').spec.template.spec.containers[0].env).toEqual([
      { name: 'GOMEMLIMIT', value: '921MiB' },
      { name: 'SECRET_MIMIR_PASSWORD', valueFrom: { secretKeyRef: { name: 'mimir', key: 'password' } } },
      { name: 'SECRET_VENDOR_OTLP_TOKEN', valueFrom: { secretKeyRef: { name: 'vendor-otlp', key: 'token' } } },
    ]);
  });

  test('fails when a Secret reference is malformed, or two kinds of credentials are given', () => {
    const alloy = new Alloy(Testing.chart(), 'alloy', { namespace: 'o' });
    expect(() => alloy.config.secretEnv({ name: 'Bad Name', key: 'k' })).toThrow(
      'test/alloy/config: invalid Secret reference (got name "Bad Name", key "k"); use a Secret name like "otlp-credentials" and a key of letters, digits, "-", "_" and "."',
    );
    const bad = Destination.remoteWrite({ name: 'x', url: 'https://x', credentials: { bearerToken: { name: 'a', key: 'b' }, basicAuth: { username: 'u', password: { name: 'a', key: 'c' } } } });
    expect(() => bad.metricsReceiver(alloy.config)).toThrow('Destination "x": both bearerToken and basicAuth are set; a destination takes one kind of credentials');
  });

  test('no credential literal anywhere in dist/', () => {
    const dist = path.join(__dirname, '..', '..', 'dist');
    for (const f of listFiles(dist)) {
      const text = fs.readFileSync(path.join(dist, f), 'utf-8');
      expect(text).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}|hooks\.slack\.com\/services|-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      if (f.endsWith('.alloy')) expect(text).not.toMatch(/^\s*(password|bearer_token|token|client_secret|api_key|key_pem)\s*=\s*"/m);
    }
    for (const { manifest: m } of distManifests()) {
      expect(m.kind).not.toBe('Secret');
      for (const c of m?.spec?.template?.spec?.containers ?? []) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|TOKEN|SECRET|KEY/i.test(e.name)) expect(e.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
      if (m.kind === 'ConfigMap') {
        for (const [file, body] of Object.entries(m.data as Record<string, string>)) {
          if (file.endsWith('.alloy')) {
            expect(body).not.toMatch(/^\s*(password|bearer_token|token|client_secret|api_key|key_pem)\s*=\s*"/m);
          } else if (/\.ya?ml$/.test(file)) {
            expect(JSON.stringify(load(body))).not.toMatch(/"(password|bearer_token|api_url|client_secret|credentials)":"/);
          }
        }
      }
    }
  });
});
