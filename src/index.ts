// Ordo's root entry (`ordo`): the runtime (createOrdo) and every domain module's public names,
// each written once, in its module's index. Adapters live in their subpaths (`ordo/adapters/*`);
// helpers for adapter authors in `ordo/errors`; test helpers in `ordo/testing`.
export * from './runtime/index.js';
export * from './errors/index.js';
export * from './clock/index.js';
export * from './money/index.js';
export * from './model/index.js';
export * from './ids/index.js';
export * from './orders/index.js';
export * from './intake/index.js';
export * from './approval/index.js';
export * from './routing/index.js';
export * from './customers/index.js';
export * from './sync/index.js';
export * from './tasks/index.js';
export * from './ops/index.js';
export * from './ports/index.js';
export * from './app/index.js';
export * from './hub/index.js';
