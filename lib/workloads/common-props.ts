import { Resources } from './resources';

/** Props every workload of the stack takes. */
/** `app.kubernetes.io/instance` when none is given. */
export const DEFAULT_INSTANCE = 'observability';

export interface WorkloadProps {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The workload's name: of its Deployment or StatefulSet, Service, ConfigMap
   * (`<name>-config`), claim (`<name>-data`) and scrape job. Two workloads of one kind in a
   * namespace need names of their own.
   *
   * @default - the kind's name: "tempo", "loki", "prometheus", "grafana", "alertmanager"
   */
  readonly name?: string;
  /** `app.kubernetes.io/instance` of every object. @default "observability" */
  readonly instance?: string;
  /** @default - the pinned image of IMAGES */
  readonly image?: string;
  /** @default - sized for a small cluster; see each workload */
  readonly resources?: Resources;
}
