/**
 * An Argo CD Application that syncs one environment's folder of the rendered manifests from
 * the user's Git repository.
 */
import { Construct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { assertDnsLabel } from '../validation';

export interface ArgoCdApplicationProps {
  /** The Git repository holding dist/, such as `https://github.com/acme/observability.git`. */
  readonly repoURL: string;
  /** Branch, tag or commit. @default "main" */
  readonly targetRevision?: string;
  /** The environment's folder in the repository, such as `dist/prod`. */
  readonly path: string;
  /** The namespace the manifests go to (they carry it themselves). */
  readonly namespace: string;
  /** The Application's name. */
  readonly name: string;
  /** Where Argo CD runs. @default "argocd" */
  readonly argocdNamespace?: string;
  /** @default "default" */
  readonly project?: string;
  /** Sync on every change and undo drift. @default true */
  readonly automated?: boolean;
}

export class ArgoCdApplication extends Construct {
  public readonly application: Application;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    assertDnsLabel(this.node.path, 'Application name', props.name);
    if (!/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(props.repoURL)) {
      throw new Error(`${this.node.path}: invalid repoURL (got ${JSON.stringify(props.repoURL)}); use the Git URL Argo CD clones, such as "https://github.com/acme/observability.git"`);
    }
    if (props.path.startsWith('/') || props.path.includes('..')) {
      throw new Error(`${this.node.path}: invalid path (got ${JSON.stringify(props.path)}); use a folder relative to the repository root, such as "dist/prod"`);
    }
    this.application = new Application(this, 'application', {
      metadata: { name: props.name, namespace: props.argocdNamespace ?? 'argocd', labels: { 'app.kubernetes.io/part-of': 'cdk8s-alloy', 'app.kubernetes.io/managed-by': 'cdk8s' } },
      spec: {
        project: props.project ?? 'default',
        source: { repoUrl: props.repoURL, targetRevision: props.targetRevision ?? 'main', path: props.path, directory: { recurse: false } },
        destination: { server: 'https://kubernetes.default.svc', namespace: props.namespace },
        syncPolicy: {
          automated: (props.automated ?? true) ? { prune: true, selfHeal: true } : undefined,
          syncOptions: ['CreateNamespace=false', 'PruneLast=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
      },
    });
  }
}
