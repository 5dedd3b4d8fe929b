export * from './destinations';
export * from './otlp-gateway';
