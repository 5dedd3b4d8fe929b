/**
 * Argo CD sync waves: the order Argo CD applies a stack's objects in. The Namespace first;
 * then configuration (ConfigMaps, accounts, RBAC, policies, claims, Services); then the
 * backends; then Alloy, which sends to them; then Grafana and its dashboards, which read what
 * Alloy delivered. An object too large for client-side apply's last-applied annotation gets
 * `ServerSideApply=true`.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** kubectl's last-applied-configuration annotation may not exceed 256 KiB. */
const CLIENT_SIDE_APPLY_LIMIT = 256 * 1024;

/** The wave of one object. */
export function syncWave(obj: ApiObject): number {
  const name = obj.metadata.name ?? '';
  const app = (obj as unknown as { metadata: { getLabel(k: string): string | undefined } }).metadata.getLabel('app.kubernetes.io/name');
  if (obj.kind === 'Namespace') return -1;
  if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') {
    if (app === 'alloy') return 2;
    if (app === 'grafana') return 3;
    return 1;
  }
  if (obj.kind === 'ConfigMap' && name === 'grafana-dashboards') return 3;
  return 0;
}

/**
 * Annotates every object beneath `scope` with its wave, at synth (after the objects created
 * at validation, such as the collector's RBAC). Create it last in the scope.
 */
export class SyncWaves extends Construct {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        for (const obj of scope.node.findAll().filter((c: IConstruct): c is ApiObject => c instanceof ApiObject)) {
          obj.metadata.addAnnotation(SYNC_WAVE, String(syncWave(obj)));
          if (JSON.stringify(obj.toJson()).length > CLIENT_SIDE_APPLY_LIMIT) {
            obj.metadata.addAnnotation(SYNC_OPTIONS, 'ServerSideApply=true');
          }
        }
        return [];
      },
    });
  }
}
