/** samsa.storage.v1: the storage node's data-path contract. */
export * from './gen/samsa/storage/v1/storage_types.js';
export * from './gen/samsa/storage/v1/storage_service.js';
export * from './storage-fast-path.js';
