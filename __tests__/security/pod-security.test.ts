import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { restrictedViolations } from '../support/pod-security';

const dist = path.join(__dirname, '..', '..', 'dist');
const manifests = fs.readdirSync(dist).filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => loadAll(fs.readFileSync(path.join(dist, f), 'utf-8')) as any[]);

describe('Pod Security Standards "restricted" in dist/', () => {
  const workloads = manifests.filter((m) => m?.spec?.template?.spec);

  test('there are pods to check', () => {
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual([
      'Deployment/alertmanager', 'Deployment/grafana', 'Deployment/loki', 'Deployment/prometheus', 'Deployment/tempo', 'StatefulSet/alloy',
    ]);
  });

  test.each(workloads.map((w) => [`${w.kind}/${w.metadata.name}`, w]))('%s meets the profile, with a read-only root filesystem', (_, w) => {
    expect(restrictedViolations(w.spec.template.spec)).toEqual([]);
  });

  test('the namespace enforces the profile', () => {
    const ns = manifests.find((m) => m.kind === 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
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
