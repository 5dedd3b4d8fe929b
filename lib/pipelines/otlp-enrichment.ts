/**
 * Kubernetes metadata on OTLP data: `otelcol.processor.k8sattributes` finds the pod that
 * sent each request (by its `k8s.pod.ip` or `k8s.pod.uid` resource attribute, else by the
 * connection's address) and adds its namespace, pod, node and workload names, and the pod
 * labels and annotations you select; `otelcol.processor.resourcedetection` then adds what
 * the `env` (`OTEL_RESOURCE_ATTRIBUTES`) and `system` detectors find, without overwriting
 * what the sender set (`override = false`).
 *
 * Order on the OTLP path, as Grafana recommends: receiver, memory limiter first, then these
 * two, then the exporters. Grafana puts `otelcol.processor.batch` last; this stack batches
 * later still, inside each exporter after its disk queue (DurableQueue's `sending_queue >
 * batch`), and has no batch processor on purpose (see OtlpGateway): a batch processor hands
 * data on asynchronously, so a full disk queue would drop the batch instead of refusing the
 * request and making the sender retry.
 *
 * The `system` detector runs in the collector, so where a sender sets no `host.name` it
 * names the collector's host; the pod's own node is in `k8s.node.name`.
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

/** k8sattributes then resourcedetection, in front of `output`. */
export class OtlpEnrichment extends Construct {
  /** Send OTLP data here to have it enriched. */
  public readonly input: OtelConsumer<'traces' | 'metrics' | 'logs'>;
  public readonly k8sAttributes: OtelcolProcessorK8sattributes;
  public readonly resourceDetection: OtelcolProcessorResourcedetection;

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

    this.resourceDetection = new OtelcolProcessorResourcedetection(this, 'resourcedetection', {
      label,
      detectors: ['env', 'system'],
      override: false,
      output: { traces, metrics, logs },
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
