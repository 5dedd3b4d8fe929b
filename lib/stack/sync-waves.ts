/**
 * Argo CD sync waves: the order Argo CD applies a stack's objects in. The Namespace first;
 * then configuration (ConfigMaps, accounts, RBAC, policies, claims, Services); then the
 * backends; then the Alloy collectors, which send to them; then Grafana and its dashboards,
 * which read what Alloy delivered. Workloads (and their autoscalers) are placed by their role (the
 * `app.kubernetes.io/component` label), so renaming one moves nothing. An object too large for client-side apply's last-applied annotation gets
 * `ServerSideApply=true`.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** kubectl's last-applied-configuration annotation may not exceed 256 KiB. */
const CLIENT_SIDE_APPLY_LIMIT = 256 * 1024;

/** Waves of workloads by role (`app.kubernetes.io/component`); other workloads take 1. */
const WORKLOAD_WAVES: Readonly<Record<string, number>> = {
  // Alloy sends to the backends: after them
  collector: 2,
  // Grafana reads what Alloy delivered: last
  dashboards: 3,
};
// an autoscaler goes with its workload (it carries the workload's labels): applied before it,
// it could not read the scale of what it scales, which Argo CD's health check reports as Degraded
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'HorizontalPodAutoscaler']);

/** The wave of one object: by kind, and for a workload by its role, never by its name. */
export function syncWave(obj: ApiObject): number {
  if (obj.kind === 'Namespace') return -1;
  if (WORKLOAD_KINDS.has(obj.kind)) {
    const role = (obj as unknown as { metadata: { getLabel(k: string): string | undefined } }).metadata.getLabel('app.kubernetes.io/component');
    return WORKLOAD_WAVES[role ?? ''] ?? 1;
  }
  return 0;
}

export interface SyncWavesProps {
  /** Objects applied with the last wave (such as dashboards, after the data they show). @default - none */
  readonly late?: readonly ApiObject[];
}

/**
 * Annotates every object beneath `scope` with its wave, at synth (after the objects created
 * at validation, such as the collector's RBAC). Create it last in the scope.
 */
export class SyncWaves extends Construct {
  public constructor(scope: Construct, id: string, props: SyncWavesProps = {}) {
    super(scope, id);
    const late = new Set(props.late ?? []);
    const last = Math.max(...Object.values(WORKLOAD_WAVES));
    this.node.addValidation({
      validate: () => {
        for (const obj of scope.node.findAll().filter((c: IConstruct): c is ApiObject => c instanceof ApiObject)) {
          obj.metadata.addAnnotation(SYNC_WAVE, String(late.has(obj) ? last : syncWave(obj)));
          if (JSON.stringify(obj.toJson()).length > CLIENT_SIDE_APPLY_LIMIT) {
            obj.metadata.addAnnotation(SYNC_OPTIONS, 'ServerSideApply=true');
          }
        }
        return [];
      },
    });
  }
}
