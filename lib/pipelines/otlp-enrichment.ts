/**
 * Kubernetes metadata on OTLP data: `otelcol.processor.k8sattributes` finds the pod that
 * sent each request (by its `k8s.pod.ip` or `k8s.pod.uid` resource attribute, else by the
 * connection's address) and adds its namespace, pod, node and workload names, and the pod
 * labels and annotations you select; `otelcol.processor.resourcedetection` then adds what
 * the `env` detector finds (the collector's own `OTEL_RESOURCE_ATTRIBUTES`, for attributes of
 * the whole cluster such as `k8s.cluster.name`), without overwriting what the sender set
 * (`override = false`); last, an `otelcol.processor.transform` gives every resource that has
 * no `service.instance.id` one from its pod (`<namespace>.<pod>[.<container>]`, the
 * OpenTelemetry semantic conventions' Kubernetes form).
 *
 * Why the identity: Prometheus takes `instance` from `service.instance.id` alone (Alloy's
 * `otelcol.exporter.prometheus`, internal/convert/convert.go; Prometheus's OTLP receiver the
 * same), and most SDKs (Go, Python) do not set it. Without it, two replicas of one service
 * write the same series and Prometheus refuses one of them as a duplicate or out of order.
 *
 * Order on the OTLP path, as Grafana recommends: receiver, memory limiter first, then these
 * two, then the exporters. Grafana puts `otelcol.processor.batch` last; this stack batches
 * later still, inside each exporter after its disk queue (DurableQueue's `sending_queue >
 * batch`), and has no batch processor on purpose (see OtlpGateway): a batch processor hands
 * data on asynchronously, so a full disk queue would drop the batch instead of refusing the
 * request and making the sender retry.
 *
 * There is no `system` detector: it runs in the collector, so it would name the collector's
 * host as the `host.name` of every sender that did not set one. The sender's node is in
 * `k8s.node.name`.
 *
 * RBAC (derived): get/list/watch on pods, namespaces, nodes and replicasets (to name the
 * Deployment of a pod). Pod Security: restricted (no host access).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import {
  OtelcolProcessorK8sattributes, OtelcolProcessorK8sattributesExtractAnnotation, OtelcolProcessorK8sattributesExtractLabel,
} from '../../imports/alloy/components/otelcol-processor-k8sattributes';
import { OtelcolProcessorResourcedetection } from '../../imports/alloy/components/otelcol-processor-resourcedetection';
import { OtelcolProcessorTransform } from '../../imports/alloy/components/otelcol-processor-transform';
import { LogsConsumer, MetricsConsumer, OtelConsumer, TracesConsumer, assertIdentifier } from '../alloy';
import { firstDuplicate } from '../validation';
import { enclosingConfig } from './kubernetes-common';

/** What the enrichment adds; the gateway takes these as its `enrichment` prop. */
export interface OtlpEnrichmentOptions {
  /**
   * Pod labels copied to resource attributes `k8s.pod.labels.<key>` (Alloy's default tag
   * name), such as `app.kubernetes.io/version`.
   *
   * @default - none
   */
  readonly podLabels?: readonly string[];
  /** Pod annotations copied to `k8s.pod.annotations.<key>`. @default - none */
  readonly podAnnotations?: readonly string[];
}

export interface OtlpEnrichmentProps extends OtlpEnrichmentOptions {
  /** Label of the two processors in config.alloy. @default "default" */
  readonly label?: string;
  /** Where enriched data goes, per signal; a signal left out is not accepted. */
  readonly output: {
    readonly traces?: readonly TracesConsumer[];
    readonly metrics?: readonly MetricsConsumer[];
    readonly logs?: readonly LogsConsumer[];
  };
}

/** The pod metadata every enriched signal carries. */
export const ENRICHMENT_METADATA: readonly string[] = [
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.node.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
];

/** A Kubernetes label or annotation key: an optional DNS-subdomain prefix and a name of up to 63 characters. */
const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * OTTL (resource context): `service.instance.id` from the pod, where the sender set none
 * and k8sattributes found the pod. With the container's name when the sender gave it.
 */
export const INSTANCE_ID_STATEMENTS: readonly string[] = (() => {
  const a = (k: string) => `attributes[${JSON.stringify(k)}]`;
  const unset = `${a('service.instance.id')} == nil and ${a('k8s.namespace.name')} != nil and ${a('k8s.pod.name')} != nil`;
  return [
    `set(${a('service.instance.id')}, Concat([${a('k8s.namespace.name')}, ${a('k8s.pod.name')}, ${a('k8s.container.name')}], ".")) where ${unset} and ${a('k8s.container.name')} != nil`,
    `set(${a('service.instance.id')}, Concat([${a('k8s.namespace.name')}, ${a('k8s.pod.name')}], ".")) where ${unset}`,
  ];
})();

/** k8sattributes, resourcedetection, then the instance identity, in front of `output`. */
export class OtlpEnrichment extends Construct {
  /** Send OTLP data here to have it enriched. */
  public readonly input: OtelConsumer<'traces' | 'metrics' | 'logs'>;
  public readonly k8sAttributes: OtelcolProcessorK8sattributes;
  public readonly resourceDetection: OtelcolProcessorResourcedetection;
  /** Sets `service.instance.id` from the pod where the sender set none. */
  public readonly instanceIdentity: OtelcolProcessorTransform;

  public constructor(scope: Construct, id: string, props: OtlpEnrichmentProps) {
    super(scope, id);
    enclosingConfig(this, 'OtlpEnrichment');
    const label = props.label ?? 'default';
    assertIdentifier(this.node.path, 'label', label);
    const { traces, metrics, logs } = props.output;
    if (!traces?.length && !metrics?.length && !logs?.length) {
      throw new Error(`${this.node.path}: output has no consumer (got none of traces, metrics, logs); pass at least one`);
    }
    const keys = (what: string, list: readonly string[] | undefined): string[] => {
      for (const k of list ?? []) {
        if (!KEY.test(k)) {
          throw new Error(`${this.node.path}: ${what} has an invalid Kubernetes key (got ${JSON.stringify(k)}); use a key like "app.kubernetes.io/version"`);
        }
      }
      const twice = firstDuplicate(list ?? []);
      if (twice !== undefined) throw new Error(`${this.node.path}: ${what} lists "${twice}" twice; list each key once`);
      return [...(list ?? [])];
    };
    const labels: OtelcolProcessorK8sattributesExtractLabel[] = keys('podLabels', props.podLabels).map((key) => ({ from: 'pod', key }));
    const annotations: OtelcolProcessorK8sattributesExtractAnnotation[] = keys('podAnnotations', props.podAnnotations).map((key) => ({ from: 'pod', key }));

    const statements = { context: 'resource', statements: [...INSTANCE_ID_STATEMENTS] };
    this.instanceIdentity = new OtelcolProcessorTransform(this, 'instance_identity', {
      label,
      errorMode: 'ignore',
      ...(traces?.length ? { traceStatements: statements } : {}),
      ...(metrics?.length ? { metricStatements: statements } : {}),
      ...(logs?.length ? { logStatements: statements } : {}),
      output: { traces, metrics, logs },
    });
    const detected = [this.instanceIdentity.input];
    this.resourceDetection = new OtelcolProcessorResourcedetection(this, 'resourcedetection', {
      label,
      // not "system": it would name the collector's host for every sender
      detectors: ['env'],
      override: false,
      output: {
        traces: traces?.length ? detected : undefined,
        metrics: metrics?.length ? detected : undefined,
        logs: logs?.length ? detected : undefined,
      },
    });
    const next = [this.resourceDetection.input];
    this.k8sAttributes = new OtelcolProcessorK8sattributes(this, 'k8sattributes', {
      label,
      extract: {
        metadata: [...ENRICHMENT_METADATA],
        ...(labels.length > 0 ? { label: labels } : {}),
        ...(annotations.length > 0 ? { annotation: annotations } : {}),
      },
      // the sender's own pod attributes first, then the address it connected from
      podAssociation: [
        { source: { from: 'resource_attribute', name: 'k8s.pod.ip' } },
        { source: { from: 'resource_attribute', name: 'k8s.pod.uid' } },
        { source: { from: 'connection' } },
      ],
      output: {
        traces: traces?.length ? next : undefined,
        metrics: metrics?.length ? next : undefined,
        logs: logs?.length ? next : undefined,
      },
    });
    this.input = this.k8sAttributes.input;
  }
}
