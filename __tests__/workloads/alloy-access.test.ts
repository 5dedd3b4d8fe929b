/**
 * The collector's API access (AlloyAccess) and its checks as functions (alloy-checks.ts).
 */
import { Testing } from 'cdk8s';
import { DiscoveryKubernetes } from '../../imports/alloy';
import { Alloy } from '../../lib';
import { propProblems } from '../../lib/workloads/alloy-checks';
import { manifestsOf } from '../support/manifests';

describe('AlloyAccess', () => {
  test('creates the Roles once: a second synth renders the same objects, with the rules as they are then', () => {
    const chart = Testing.chart();
    const alloy = new Alloy(chart, 'alloy', { namespace: 'obs' });
    new DiscoveryKubernetes(alloy.config, 'pods', { role: 'pod' });
    const rbac = () => manifestsOf(chart).filter((m) => m.kind.includes('Role')).map((m) => `${m.kind} ${m.metadata.name}`);
    expect(rbac()).toEqual(['ClusterRole obs-alloy', 'ClusterRoleBinding obs-alloy']);
    alloy.grantClusterAccess([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(rbac()).toEqual(['ClusterRole obs-alloy', 'ClusterRoleBinding obs-alloy']);
    const role = manifestsOf(chart).find((m) => m.kind === 'ClusterRole')!;
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['nodes'], verbs: ['get'] });
  });

  test('fails when a grant after the first synth needs a ClusterRole that synth did not create', () => {
    const chart = Testing.chart();
    const alloy = new Alloy(chart, 'alloy', { namespace: 'obs' });
    new DiscoveryKubernetes(alloy.config, 'pods', { role: 'pod', namespaces: { names: ['apps'] } });
    expect(manifestsOf(chart).filter((m) => m.kind.includes('Role')).map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'Role apps/obs-alloy', 'RoleBinding apps/obs-alloy',
    ]);
    alloy.grantClusterAccess([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(() => manifestsOf(chart)).toThrow(
      'test/alloy: the components\' API access changed after an earlier synth created the collector\'s Roles (then [false,["apps"]], now [true,["apps"]]: [ClusterRole, Role namespaces]); grant access and add every component before the first synth',
    );
  });
});

describe('alloy-checks', () => {
  test('propProblems returns every problem of the props, in order; the collector throws the first', () => {
    const shape = {
      path: 'test/a', name: 'Alloy', controller: 'DaemonSet' as const, replicas: 1, maxReplicas: 1, terminationGracePeriodSeconds: 0, hostPaths: [],
      ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }], otlpGrpcPort: 4317, otlpHttpPort: 4318, storagePath: '/d', storageSize: '1Gi', memoryLimit: '1Gi',
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
    };
    const problems = propProblems(shape, { namespace: 'obs', replicas: 2 });
    expect(problems.map((p) => p.split(' (got')[0])).toEqual([
      'test/a: a DaemonSet collector runs one pod per node, without clustering or a claim',
      'test/a: two ports are the same',
      'test/a: terminationGracePeriodSeconds must be a whole number of at least 1',
      'test/a: invalid name',
    ]);
  });
});
