// The ids module's face: injectable id sources.
export { createUuidSource, createSequentialIdSource } from './id-source.js';
export type { IdSource } from './id-source.js';
