export * from './alloy';
export * from '../imports/alloy';
export * from './pipelines';
export * from './stack';
export * from './validation';
export * from './workloads';
export * from './smoke';
