/**
 * Helpers of the generated components (imports/alloy) and of the library itself: the body
 * schemas and their shorthands, the renderer and checks that read them, and the marker
 * components find their config by. Not part of the public API: the package root does not
 * export this module, so it may change in any release.
 */
export { ALLOY_CONFIG_MARKER } from './component';
export type { ComponentDefinition } from './component';
export { attr, blk, checkStatements, describe, enumBlocks, knownNames, renderBody } from './schema';
export type { ArgumentKind, AttributeSchema, BlockSchema, BodySchema, EnumBlockSchema } from './schema';
