export * from './observability-stack';
export * from './outage-budget';
