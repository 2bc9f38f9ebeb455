// The `ordo/errors` subpath: the error model, plus the helpers adapter authors use to keep driver
// text and unknown codes out of messages (not in the root entry: they are for adapters).
export * from './index.js';
export { quoteCode, maskDriverText } from './mask.js';
export { maskDriverError } from './storage-error.js';
