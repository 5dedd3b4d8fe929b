// The public API: what a user writes. Explicit lists, so that nothing reaches the root by
// accident; the helpers of the library and of generated code stay importable by path inside
// this repository only. __tests__/public-api.test.ts counts the names.

// the generated Alloy components, one class per component: `components.PrometheusScrape`
// (also the subpath `cdk8s-alloy/components`)
export * as components from '../imports/alloy';

// the stack
export { EnvironmentApp, Environments, ObservabilityStack, synthEnvironments } from './stack';
export type { Environment, EnvironmentsProps, GitOpsSource, ObservabilityStackProps, StackPlatform } from './stack';
// the same stack on Docker Compose (docs/compose.md)
export { composeProject } from './stack/compose';
export type { ComposeProject, ComposeProjectProps } from './stack/compose';
// sizes from rates (docs/sizing.md)
export { REFERENCE_SIZES, planSizing } from './stack/sizing';
export type { Sizing, SizingPlan } from './stack/sizing';

// Alloy configs and the values components take (attribute and block make the statements of
// the escape hatch addBlock(name, body); Layout the items of component.layout and
// config.printOrder)
export {
  AlloyComponent, AlloyConfig, AlloyConfigBlock, AuthHandler, Expr, Layout, LogsReceiver, MetricsReceiver, OtelConsumer,
  ProfilesReceiver, Reference, RelabelRules, StorageHandler, Targets, attribute, block,
} from './alloy';
export type {
  AlloyComponentProps, AlloyConfigProps, AlloyDuration, AlloyObject, AlloySecret, AlloyValue, Arg, LayoutItem, LogsConsumer,
  MetricsConsumer, PrintOrderItem, SecretKey, Signal, Stability, StabilityLevel, Statement, TracesConsumer,
} from './alloy';

// pipelines and destinations
export {
  AnnotationAutodiscovery, ClusterEvents, Destination, DurableQueue, KubeletMetrics, KubeletVolumeStats, NodeLogs,
  OtlpEnrichment, OtlpGateway, PodLogs, StaticScrape,
} from './pipelines';
export type {
  AccessRule, AnnotationAutodiscoveryProps, ClusterEventsProps, DestinationCredentials, DestinationSenders,
  DurableQueueProps, ILogsDestination, IMetricsDestination, IScrapeTarget, ITracesDestination, IngestRates,
  KubeletMetricsProps, KubeletVolumeStatsProps, KubernetesLogsProps, LokiOtlpDestinationProps, LokiPushDestinationProps,
  NodeLogsProps, OtlpEnrichmentOptions, OtlpEnrichmentProps, OtlpGatewayProps, OtlpGrpcDestinationProps, PodLogsProps,
  PrometheusOtlpDestinationProps, RemoteWriteDestinationProps, StaticScrapeProps,
} from './pipelines';

// Kubernetes workloads
export {
  Alertmanager, Alloy, Connections, Grafana, IMAGES, KubeStateMetrics, Loki, Prometheus, ServerWorkload,
  StackNetworkPolicies, Tempo, instrument,
} from './workloads';
export type {
  AlertReceiverConfig, AlertRoute, AlertRule, AlertmanagerProps, AlloyController, AlloyProps, CpuMemory, GrafanaDatasource,
  GrafanaProps, HttpProbe, IAlertmanager, InstrumentOptions, IDatasource, IRemoteWriteReceiver, KubeStateMetricsProps, LokiProps,
  PersistentStorage, Peer, PrometheusProps, PrometheusScrapeTarget, Resources, RunAs, ServerPort, ServerWorkloadProps,
  SlackReceiver, StackNetworkPoliciesProps, TempoProps, WebhookReceiver, WorkloadController, WorkloadProps, WritablePath,
  // backends on object storage, your own backends, autoscaled collectors
  ObjectStorage, ExternalBackends, ExternalMetrics, ExternalLogs, ExternalTraces, WorkloadAutoscaling,
} from './workloads';

// the smoke test of a running stack
export { SmokeTest } from './smoke';
export type { SmokeTestProps } from './smoke';
