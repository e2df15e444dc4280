/**
 * @samsa/proto: the generated code of every contract in proto/samsa (ts-proto, grpc-js
 * services, int64 as number) — produced by `buf generate` at build time, never edited.
 *
 * Common types are exported at the top level; each area is a namespace, because areas reuse
 * message names (both coordinators have a FindCoordinatorRequest):
 *
 *   import { ErrorCode, storage } from '@samsa/proto';
 *   storage.ProduceRequest.fromPartial({ acks: -1 });
 */
import { fileURLToPath } from 'node:url';

export * from './gen/samsa/common/v1/error_code.js';
export * from './gen/samsa/common/v1/common.js';
export * as storage from './storage.js';
export * as controller from './controller.js';
export * as group from './group.js';
export * as transaction from './transaction.js';

/** The FileDescriptorSet of every Samsa contract (for server reflection), written by the build. */
export const descriptorSetPath: string = fileURLToPath(new URL('./samsa.binpb', import.meta.url));
