/**
 * The in-cluster smoke test (VAL-SPC-001..003), as a Job to run on demand: it sends one
 * span, one gauge sample and one log line to Alloy's OTLP/HTTP port, then confirms each
 * arrived by querying Tempo (the trace by its id), Prometheus (the series) and Loki (the
 * line), and exits non-zero on any miss. Its script is `SMOKE_SCRIPT`, mounted from a
 * ConfigMap; the image is pinned. Pod Security: restricted (uid 1000, read-only root, no
 * token). NetworkPolicies let the Job's pod, and only it, reach those four ports.
 *
 * The Job is named `smoke-test`; a Job's template cannot change, so delete the old one
 * before applying it again (see the README).
 */
import { Construct } from 'constructs';
import { IntOrString, KubeConfigMap, KubeJob, KubeNetworkPolicy } from '../../imports/k8s';
import { assertWholeNumber } from '../validation';
import { Alloy } from '../workloads/alloy';
import { DEFAULT_INSTANCE } from '../workloads/common-props';
import { Connections, Peer } from '../workloads/connections';
import { Loki } from '../workloads/loki';
import { podTemplate } from '../workloads/pod-template';
import { Prometheus } from '../workloads/prometheus';
import { workloadLabels } from '../workloads/server-workload';
import { Tempo } from '../workloads/tempo';
import { IMAGES } from '../workloads/versions';
import { SMOKE_SCRIPT } from './script';

export interface SmokeTestProps {
  readonly namespace: string;
  /** @default "observability" */
  readonly instance?: string;
  /** A Node.js 20 image. @default IMAGES.smokeTest */
  readonly image?: string;
  /** The OTLP gateway the data is sent to (its OTLP/HTTP port). */
  readonly alloy: Alloy;
  readonly tempo: Tempo;
  readonly prometheus: Prometheus;
  readonly loki: Loki;
  /** How long each check may take before it fails. @default 180 */
  readonly timeoutSeconds?: number;
  /** Create NetworkPolicies that let the Job through the stack's default-deny. @default true */
  readonly networkPolicies?: boolean;
}

const NAME = 'smoke-test';
const SCRIPT_DIR = '/smoke';

export class SmokeTest extends Construct {
  public readonly job: KubeJob;

  public constructor(scope: Construct, id: string, props: SmokeTestProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 180;
    assertWholeNumber(this.node.path, 'timeoutSeconds', timeout, 10);
    const { alloy, tempo, prometheus, loki } = props;
    if (!alloy.receivesOtlp) {
      throw new Error(`${this.node.path}: alloy is the collector ${alloy.name}, which does not receive OTLP; pass the OTLP gateway`);
    }
    const image = props.image ?? IMAGES.smokeTest;
    const labels = workloadLabels({ name: NAME, instance: props.instance ?? DEFAULT_INSTANCE, component: 'smoke-test', image });
    const selector = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/instance': labels['app.kubernetes.io/instance'] };
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });

    const scriptConfigMap = `${NAME}-script`;
    new KubeConfigMap(this, 'script', { metadata: metadata(scriptConfigMap), data: { 'smoke.js': SMOKE_SCRIPT } });
    this.job = new KubeJob(this, 'job', {
      metadata: metadata(NAME),
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: timeout + 120,
        ttlSecondsAfterFinished: 86400,
        template: podTemplate(this.node.path, {
          name: NAME,
          image,
          command: ['node', `${SCRIPT_DIR}/smoke.js`],
          env: [
            { name: 'OTLP_HTTP_ENDPOINT', value: `http://${alloy.workload.host}:${alloy.otlpHttpPort}` },
            { name: 'TEMPO_URL', value: tempo.queryUrl },
            { name: 'PROMETHEUS_URL', value: prometheus.queryUrl },
            { name: 'LOKI_URL', value: loki.queryUrl },
            ...(loki.tenant !== undefined ? [{ name: 'LOKI_TENANT', value: loki.tenant }] : []),
            { name: 'SMOKE_TIMEOUT_SECONDS', value: String(timeout) },
          ],
          runAs: { uid: 1000, gid: 1000 },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          labels,
          configMap: { volumeName: 'script', name: scriptConfigMap, mountPath: SCRIPT_DIR },
          restartPolicy: 'Never',
        }),
      },
    });

    // what the Job reaches, recorded where the checks are wired
    const connections = Connections.of(this);
    const jobPeer: Peer = { name: NAME, namespace: props.namespace, selector };
    connections.allow(jobPeer, alloy.workload.peer, alloy.otlpHttpPort);
    connections.allow(jobPeer, tempo.workload.peer, tempo.workload.port('http'));
    connections.allow(jobPeer, prometheus.workload.peer, prometheus.workload.port('http'));
    connections.allow(jobPeer, loki.workload.peer, loki.workload.port('http'));
    if (props.networkPolicies !== false) {
      // the Job's egress, and an ingress policy on each pod it reaches
      const out = connections.all.filter((c) => c.from === jobPeer);
      const tcp = (port: number) => [{ protocol: 'TCP', port: IntOrString.fromNumber(port) }];
      new KubeNetworkPolicy(this, 'egress', {
        metadata: metadata(NAME),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Egress'],
          egress: out.map((c) => ({ to: [{ podSelector: { matchLabels: { ...c.to.selector } } }], ports: tcp(c.port) })),
        },
      });
      for (const c of out) {
        new KubeNetworkPolicy(this, `to-${c.to.name}`, {
          metadata: metadata(`${NAME}-to-${c.to.name}`),
          spec: {
            podSelector: { matchLabels: { ...c.to.selector } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ podSelector: { matchLabels: selector } }], ports: tcp(c.port) }],
          },
        });
      }
    }
  }
}
