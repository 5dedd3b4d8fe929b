export * from './observability-stack';
export * from './outage-budget';
export * from './environments';
export * from './argocd-application';
export * from './sync-waves';
