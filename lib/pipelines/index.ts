export * from './destinations';
export * from './otlp-gateway';
export * from './kubelet-volume-stats';
export * from './durable-queue';
