import { describe, expect, it } from 'vitest';
import { ErrorCode, storage } from './index.js';

/** spec/kafka-facts.md §11: the codes Samsa must mirror, by Kafka name and number. */
const KAFKA_CODES: Record<string, number> = {
  UNKNOWN_SERVER_ERROR: -1, NONE: 0, OFFSET_OUT_OF_RANGE: 1, CORRUPT_MESSAGE: 2, UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5, NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7, MESSAGE_TOO_LARGE: 10,
  OFFSET_METADATA_TOO_LARGE: 12, COORDINATOR_LOAD_IN_PROGRESS: 14, COORDINATOR_NOT_AVAILABLE: 15, NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17, RECORD_LIST_TOO_LARGE: 18, NOT_ENOUGH_REPLICAS: 19, NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21, ILLEGAL_GENERATION: 22, INCONSISTENT_GROUP_PROTOCOL: 23, INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25, INVALID_SESSION_TIMEOUT: 26, REBALANCE_IN_PROGRESS: 27, INVALID_TIMESTAMP: 32,
  UNSUPPORTED_VERSION: 35, INVALID_REQUEST: 42, OUT_OF_ORDER_SEQUENCE_NUMBER: 45, DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47, INVALID_TXN_STATE: 48, INVALID_PRODUCER_ID_MAPPING: 49, INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51, TRANSACTION_COORDINATOR_FENCED: 52, KAFKA_STORAGE_ERROR: 56, UNKNOWN_PRODUCER_ID: 59,
  NON_EMPTY_GROUP: 68, GROUP_ID_NOT_FOUND: 69, FENCED_LEADER_EPOCH: 74, UNKNOWN_LEADER_EPOCH: 75, OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79, GROUP_MAX_SIZE_REACHED: 81, FENCED_INSTANCE_ID: 82, INVALID_RECORD: 87, UNSTABLE_OFFSET_COMMIT: 88,
  PRODUCER_FENCED: 90, UNKNOWN_TOPIC_ID: 100, FENCED_MEMBER_EPOCH: 110, UNRELEASED_INSTANCE_ID: 111,
  STALE_MEMBER_EPOCH: 113, TRANSACTION_ABORTABLE: 120,
};

describe('ErrorCode', () => {
  it("mirrors every Kafka error name and number the spec lists", () => {
    const ours = ErrorCode as unknown as Record<string, number>;
    for (const [name, number] of Object.entries(KAFKA_CODES)) expect({ name, number: ours[name] }).toEqual({ name, number });
  });

  it('gives every number one name', () => {
    const numbers = Object.values(ErrorCode).filter((value): value is number => typeof value === 'number');
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('generated messages', () => {
  it('carry RecordBatch bytes opaquely and int64 offsets as exact numbers through encode and decode', () => {
    const records = Buffer.from([0, 1, 2, 253, 254, 255]);
    const request = storage.ProduceRequest.fromPartial({
      acks: -1,
      timeoutMs: 30_000,
      topics: [{ topic: 'orders', partitions: [{ partition: 3, records }] }],
    });
    const decoded = storage.ProduceRequest.decode(storage.ProduceRequest.encode(request).finish());
    expect(decoded.topics.flatMap((topic) => topic.partitions).map((partition) => Buffer.from(partition.records))).toEqual([records]);
    expect(decoded.acks).toBe(-1);

    const bigOffset = 2 ** 40 + 7;
    const response = storage.ProducePartitionResult.fromPartial({ partition: 3, baseOffset: bigOffset, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER });
    const back = storage.ProducePartitionResult.decode(storage.ProducePartitionResult.encode(response).finish());
    expect(back.baseOffset).toBe(bigOffset);
    expect(back.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('round-trips UNKNOWN_SERVER_ERROR (-1), the one negative code', () => {
    const result = storage.ProducePartitionResult.fromPartial({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR });
    expect(storage.ProducePartitionResult.decode(storage.ProducePartitionResult.encode(result).finish()).errorCode).toBe(-1);
  });
});
