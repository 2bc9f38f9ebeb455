// The memory storage adapter's face.
export { createMemoryStorage, memoryStorageBackdoor } from './memory-storage.js';
export type { MemoryStorage, MemoryStorageOptions, MemoryStorageBackdoor } from './memory-storage.js';
