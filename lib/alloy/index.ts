// the helpers of generated code (schemas, attr, blk, ...) are in ./internal, not here
export { AlloyBlockConstruct, AlloyComponent, AlloyConfigBlock } from './component';
export type { AlloyComponentProps } from './component';
export * from './config';
export { Layout } from './layout';
export type { LayoutBlank, LayoutBlock, LayoutComment, LayoutItem } from './layout';
export type { AlloyDuration, AlloySecret, Arg } from './schema';
export * from './signals';
export * from './stability';
export * from './syntax';
export * from './diagram';
