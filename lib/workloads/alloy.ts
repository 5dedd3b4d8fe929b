/**
 * The Alloy collector: its config.alloy in a ConfigMap, a Deployment running Alloy, a
 * Service for OTLP and Alloy's own HTTP server, and a ServiceAccount.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LoggingBlock, LoggingBlockProps } from '../../imports/alloy';
import { KubeClusterRole, KubeClusterRoleBinding, KubeServiceAccount } from '../../imports/k8s';
import { AlloyConfig, StabilityLevel, permits } from '../alloy';
import { AccessRule, ILogsDestination } from '../pipelines';
import { assertPort } from '../validation';
import { WorkloadProps } from './common-props';
import { ServerWorkload, workloadLabels } from './server-workload';
import { IMAGES } from './versions';

export interface AlloyProps extends WorkloadProps {
  /**
   * Alloy's own logs (the `logging` block). Written out in full even where it matches
   * Alloy's defaults, so the level and format the product promises (info, logfmt) do not
   * move with Alloy releases.
   *
   * @default - level "info", format "logfmt"
   */
  readonly logging?: LoggingBlockProps;
  /**
   * Pin `--stability.level`. It may be lower than the config needs (to allow experimental
   * components you add later by hand), never higher: Alloy would refuse the config.
   *
   * @default - the least stable level the config uses
   */
  readonly stabilityLevel?: StabilityLevel;
  /**
   * Where Alloy's own logs go (the `logging` block's `write_to`), besides stderr. At level
   * info Alloy logs its own errors (a failing exporter, a refused batch), never the data.
   *
   * @default - stderr only
   */
  readonly selfLogs?: ILogsDestination;
  /** OTLP gRPC port of the container and the Service. @default 4317 */
  readonly otlpGrpcPort?: number;
  /** OTLP HTTP port of the container and the Service. @default 4318 */
  readonly otlpHttpPort?: number;
}

/** Alloy's HTTP server: UI, /metrics, /-/ready, /-/healthy, /-/reload. */
export const ALLOY_HTTP_PORT = 12345;
const CONFIG_DIR = '/etc/alloy';
const STORAGE = '/var/lib/alloy/data';

export class Alloy extends Construct {
  /** The config.alloy of this collector: create components with it as their scope. */
  public readonly config: AlloyConfig;
  /** The `logging` block of the config. */
  public readonly logging: LoggingBlock;
  public readonly workload: ServerWorkload;
  public readonly serviceAccount: KubeServiceAccount;
  public readonly otlpGrpcPort: number;
  public readonly otlpHttpPort: number;
  /** `alloy:12345`, where Alloy serves its own metrics. */
  public readonly metricsAddress: string;
  private readonly access: AccessRule[] = [];
  private readonly namespace: string;
  private readonly labels: Record<string, string>;

  public constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id);
    this.otlpGrpcPort = props.otlpGrpcPort ?? 4317;
    this.otlpHttpPort = props.otlpHttpPort ?? 4318;
    assertPort(this.node.path, 'otlpGrpcPort', this.otlpGrpcPort);
    assertPort(this.node.path, 'otlpHttpPort', this.otlpHttpPort);
    if (new Set([this.otlpGrpcPort, this.otlpHttpPort, ALLOY_HTTP_PORT]).size < 3) {
      throw new Error(
        `${this.node.path}: two ports are the same (got otlpGrpcPort ${this.otlpGrpcPort}, otlpHttpPort ${this.otlpHttpPort}, ` +
        `HTTP ${ALLOY_HTTP_PORT}); give each its own port`,
      );
    }
    const name = 'alloy';
    const instance = props.instance ?? 'observability';
    const image = props.image ?? IMAGES.alloy;
    this.config = new AlloyConfig(this, 'config');
    this.logging = new LoggingBlock(this.config, 'logging', {
      level: 'info',
      format: 'logfmt',
      ...(props.selfLogs ? { writeTo: [props.selfLogs.logsReceiver(this.config)] } : {}),
      ...props.logging,
    });
    const pinned = props.stabilityLevel;
    this.node.addValidation({
      validate: () => {
        const needed = this.config.stabilityLevel;
        return pinned === undefined || permits(pinned, needed) ? [] : [
          `${this.node.path}: stabilityLevel is pinned to "${pinned}" but the config uses ${needed} components ` +
          `(${this.config.components.filter((c) => c.stability === needed).map((c) => c.componentId).join(', ')}); ` +
          `pin "${needed}" or lower, or leave stabilityLevel unset`,
        ];
      },
    });

    this.namespace = props.namespace;
    this.labels = workloadLabels({ name, instance, component: 'collector', image });
    this.serviceAccount = new KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels: this.labels },
      automountServiceAccountToken: false,
    });

    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name,
      instance,
      component: 'collector',
      image,
      // produced at synth, when the config's components (and so its stability) are known
      args: Lazy.any({ produce: () => this.args(pinned) }),
      ports: [
        { name: 'otlp-grpc', port: this.otlpGrpcPort, appProtocol: 'grpc' },
        { name: 'otlp-http', port: this.otlpHttpPort, appProtocol: 'http' },
        { name: 'http-metrics', port: ALLOY_HTTP_PORT, appProtocol: 'http' },
      ],
      readiness: { path: '/-/ready', port: 'http-metrics' },
      liveness: { path: '/-/healthy', port: 'http-metrics' },
      runAs: { uid: 473, gid: 473 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      configFiles: {
        mountPath: CONFIG_DIR,
        data: { 'config.alloy': Lazy.any({ produce: () => this.config.renderOnce() }) },
      },
      writablePaths: [{ name: 'storage', mountPath: STORAGE }],
      serviceAccountName: name,
      // the token is mounted only when a pipeline was granted API access
      automountServiceAccountToken: Lazy.any({ produce: () => this.access.length > 0 }) as unknown as boolean,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.config.checksum() }) },
    });
    this.metricsAddress = `${this.workload.host}:${ALLOY_HTTP_PORT}`;
  }

  /**
   * Grants the collector's ServiceAccount what a pipeline needs from the Kubernetes API,
   * cluster-wide (a ClusterRole `<namespace>-alloy` and its binding), and mounts its token.
   * Without grants there is no role and no token.
   */
  public grantClusterAccess(rules: readonly AccessRule[]): void {
    if (this.access.length === 0) {
      const clusterName = `${this.namespace}-alloy`;
      new KubeClusterRole(this, 'cluster-role', {
        metadata: { name: clusterName, labels: this.labels },
        rules: Lazy.any({ produce: () => this.access.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) }),
      });
      new KubeClusterRoleBinding(this, 'cluster-role-binding', {
        metadata: { name: clusterName, labels: this.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
      });
    }
    this.access.push(...rules);
  }

  private args(pinned: StabilityLevel | undefined): string[] {
    return [
      'run',
      `${CONFIG_DIR}/config.alloy`,
      `--storage.path=${STORAGE}`,
      `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`,
      `--stability.level=${pinned ?? this.config.stabilityLevel}`,
      '--disable-reporting',
      ...(this.config.usesCommunityComponents ? ['--feature.community-components.enabled=true'] : []),
    ];
  }
}
