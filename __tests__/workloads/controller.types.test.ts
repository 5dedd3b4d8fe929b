/**
 * What runs a workload's pods, checked by the compiler: each `@ts-expect-error` below must be an
 * error, or `tsc --noEmit` (run by __tests__/typecheck.test.ts) fails with "Unused
 * '@ts-expect-error'". These mixes used to fail only at run time.
 */
import { Testing } from 'cdk8s';
import { ServerWorkload, ServerWorkloadProps, WorkloadController } from '../../lib/workloads/server-workload';
import { manifestsOf } from '../support/manifests';

const base: ServerWorkloadProps = {
  namespace: 'o', name: 'app', instance: 'i', component: 'c', image: 'img:1', ports: [{ name: 'http', port: 8080 }],
  readiness: { path: '/ready', port: 'http' }, runAs: { uid: 1000, gid: 1000 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
};
const storage = { mountPath: '/data', size: '1Gi' };

test('a controller takes only what its kind can do, at compile time', () => {
  const ok: WorkloadController[] = [
    { kind: 'Deployment' },
    { kind: 'Deployment', replicas: 3, highAvailability: true },
    { kind: 'Deployment', storage },
    { kind: 'StatefulSet', serviceName: 'app-headless', replicas: 3, storage, highAvailability: true },
    { kind: 'DaemonSet' },
  ];

  // @ts-expect-error a DaemonSet runs one pod per node: no replicas
  const dsReplicas: WorkloadController = { kind: 'DaemonSet', replicas: 2 };
  // @ts-expect-error a DaemonSet keeps no claim (its state is on an emptyDir)
  const dsStorage: WorkloadController = { kind: 'DaemonSet', storage };
  // @ts-expect-error a DaemonSet has no governing Service
  const dsService: WorkloadController = { kind: 'DaemonSet', serviceName: 'app' };
  // @ts-expect-error a DaemonSet takes no disruption budget or spread
  const dsHa: WorkloadController = { kind: 'DaemonSet', highAvailability: true };
  // @ts-expect-error a StatefulSet needs its headless Service
  const ssNoService: WorkloadController = { kind: 'StatefulSet', replicas: 2 };
  // @ts-expect-error a Deployment has no governing Service
  const deployService: WorkloadController = { kind: 'Deployment', serviceName: 'app' };
  // @ts-expect-error no such controller
  const unknown: WorkloadController = { kind: 'Job' };

  // the flags of before are gone: each is a property of its controller
  // @ts-expect-error daemonSet is controller: { kind: 'DaemonSet' }
  const flagDaemonSet: ServerWorkloadProps = { ...base, daemonSet: true };
  // @ts-expect-error statefulSet is controller: { kind: 'StatefulSet', serviceName }
  const flagStatefulSet: ServerWorkloadProps = { ...base, statefulSet: { serviceName: 'app' } };
  // @ts-expect-error replicas belong to the controller
  const flagReplicas: ServerWorkloadProps = { ...base, replicas: 2 };
  // @ts-expect-error storage belongs to the controller
  const flagStorage: ServerWorkloadProps = { ...base, storage };

  expect([dsReplicas, dsStorage, dsService, dsHa, ssNoService, deployService, unknown, flagDaemonSet, flagStatefulSet, flagReplicas, flagStorage]).toHaveLength(11);
  const kinds = ok.map((controller, i) => {
    const chart = Testing.chart();
    new ServerWorkload(chart, `w${i}`, { ...base, controller });
    return manifestsOf(chart).map((m) => m.kind).sort().join(' ');
  });
  expect(kinds).toEqual([
    'Deployment Service',
    'Deployment PodDisruptionBudget Service',
    'Deployment PersistentVolumeClaim Service',
    'PodDisruptionBudget Service StatefulSet',
    'DaemonSet Service',
  ]);
});
