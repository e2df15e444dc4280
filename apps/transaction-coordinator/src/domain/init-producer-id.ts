/**
 * The InitProducerId rules for producers without a transactional id (spec/kafka-facts.md §7).
 *
 * - A malformed request (negative timeout, producer id < -1, epoch outside -1..32767, or only one
 *   of producer id / epoch given) fails the whole call with INVALID_REQUEST. An empty
 *   transactional id is INVALID_REQUEST too, as the contract and Kafka say.
 * - Without a transactional id the answer is always a fresh producer id with epoch 0, even when
 *   the request carries the producer's current id and epoch (KIP-360 re-initialisation after an
 *   epoch overflow or UNKNOWN_PRODUCER_ID): Kafka's coordinator does the same for idempotent
 *   producers — there is no state bound to the old id to bump, and a new id cannot collide with
 *   the old producer's sequences.
 * - A transactional id fails the call with UNSUPPORTED_VERSION (gRPC UNIMPLEMENTED) until
 *   transactions land.
 * - A failure to get an id that the client may retry (no block from the controller) is answered
 *   in the response (COORDINATOR_NOT_AVAILABLE, id and epoch -1); anything else propagates.
 */
import { isSamsaError, SamsaError } from '@samsa/common';
import { ErrorCode, type transaction } from '@samsa/proto';
import type { ProducerIdSource } from './producer-id-blocks.js';

/** Highest producer epoch (int16). */
export const MAX_PRODUCER_EPOCH = 32_767;

/** Throws INVALID_REQUEST when the request is malformed whatever its transactional id. */
export function checkInitProducerIdRequest(request: transaction.InitProducerIdRequest): void {
  const invalid = (message: string) => new SamsaError(ErrorCode.INVALID_REQUEST, message);
  if (request.transactionalId === '') throw invalid('transactional_id must not be empty; leave it unset for an idempotent producer');
  if (request.transactionTimeoutMs < 0) throw invalid(`transaction_timeout_ms must be >= 0, got ${request.transactionTimeoutMs}`);
  const { producerId, producerEpoch } = request;
  if (!Number.isSafeInteger(producerId) || producerId < -1) throw invalid(`producer_id must be -1 or a producer id >= 0, got ${producerId}`);
  if (producerEpoch < -1 || producerEpoch > MAX_PRODUCER_EPOCH) throw invalid(`producer_epoch must be -1 or 0..${MAX_PRODUCER_EPOCH}, got ${producerEpoch}`);
  if ((producerId === -1) !== (producerEpoch === -1)) throw invalid('producer_id and producer_epoch must both be -1 or both be set');
}

export async function initProducerId(request: transaction.InitProducerIdRequest, producerIds: ProducerIdSource): Promise<transaction.InitProducerIdResponse> {
  checkInitProducerIdRequest(request);
  if (request.transactionalId !== undefined) {
    throw new SamsaError(ErrorCode.UNSUPPORTED_VERSION, 'InitProducerId with a transactional_id is not supported yet: transactions arrive with the transactions issue');
  }
  try {
    const producerId = await producerIds.nextProducerId();
    return { errorCode: ErrorCode.NONE, errorMessage: '', producerId, producerEpoch: 0 };
  } catch (error) {
    if (!isSamsaError(error) || !error.retriable) throw error;
    return { errorCode: error.code, errorMessage: error.message, producerId: -1, producerEpoch: -1 };
  }
}
