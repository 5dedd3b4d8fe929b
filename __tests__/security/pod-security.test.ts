import { distManifests } from '../support/dist';
import { restrictedViolations } from '../support/pod-security';

const manifests = distManifests().map((x) => ({ ...x.manifest, file: x.file }));

describe('Pod Security Standards "restricted" in dist/', () => {
  const workloads = manifests.filter((m) => m?.spec?.template?.spec);

  test('there are pods to check', () => {
    const names = [
      'Deployment/alertmanager', 'Deployment/grafana', 'Deployment/loki', 'Deployment/prometheus', 'Deployment/tempo',
      'StatefulSet/alloy', 'StatefulSet/alloy-logs', 'StatefulSet/alloy-metrics',
    ];
    // large: metrics in a Mimir (no Prometheus, no Alertmanager), Loki and Tempo as StatefulSets on object storage, no smoke test
    const large = ['Deployment/grafana', 'StatefulSet/alloy', 'StatefulSet/alloy-logs', 'StatefulSet/alloy-metrics', 'StatefulSet/loki', 'StatefulSet/tempo'];
    expect(workloads.map((w) => `${w.file}: ${w.kind}/${w.metadata.name}`).sort()).toEqual([
      ...['dev', 'prod'].flatMap((env) => [...names.map((n) => `${env}/observability.k8s.yaml: ${n}`), `${env}/smoke-test/smoke-test.k8s.yaml: Job/smoke-test`]),
      ...large.map((n) => `large/observability.k8s.yaml: ${n}`),
    ].sort());
  });

  test.each(workloads.map((w) => [`${w.file}: ${w.kind}/${w.metadata.name}`, w]))('%s meets the profile, with a read-only root filesystem', (_, w) => {
    expect(restrictedViolations(w.spec.template.spec)).toEqual([]);
  });

  test('each namespace enforces the profile', () => {
    const namespaces = manifests.filter((m) => m.kind === 'Namespace');
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['observability', 'observability-dev', 'observability-large']);
    for (const ns of namespaces) expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('the checker catches each rule', () => {
    const good = { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } }] };
    expect(restrictedViolations(good)).toEqual([]);
    const bad = {
      hostNetwork: true, hostPID: true,
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      securityContext: {},
      containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
    };
    expect(restrictedViolations(bad)).toEqual([
      'hostNetwork', 'hostPID', 'volume host of type hostPath',
      'container c: privileged', 'container c: allowPrivilegeEscalation is not false', 'container c: runAsNonRoot is not true',
      'container c: no explicit non-zero runAsUser', 'container c: seccompProfile is not RuntimeDefault or Localhost',
      'container c: capabilities do not drop ALL', 'container c: adds capabilities SYS_ADMIN', 'container c: hostPort', 'container c: root filesystem is writable',
    ]);
  });
});
