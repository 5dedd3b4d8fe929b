export * from './ast';
export * from './identifiers';
export * from './printer';
export * from './quote';
export * from './value';
