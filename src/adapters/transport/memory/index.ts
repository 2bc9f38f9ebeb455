// The memory transport adapter's face.
export { createMemoryTransport } from './memory-transport.js';
export type { MemoryTransport, MemoryTransportOptions, MemoryDeadLetter } from './memory-transport.js';
