/**
 * Kafka's ConsumerProtocol payloads: the bytes a consumer puts in JoinGroup protocol metadata
 * (its subscription) and the bytes the leader returns per member in SyncGroup (its assignment).
 * The coordinator treats both as opaque. kafka-facts.md §4, "Consumer protocol payloads".
 *
 * Layout (big-endian, non-flexible; every payload starts with its int16 version):
 *
 *   ConsumerProtocolSubscription v0–v3
 *     int16   version
 *     [string] topics                          int32 count, then int16-length UTF-8 strings
 *     bytes?  userData                         int32 length, −1 = null
 *     v1+ [ownedPartitions]                    int32 count of { string topic, [int32] partitions }
 *     v2+ int32 generationId                   −1 = unknown
 *     v3+ string? rackId                       int16 length, −1 = null
 *
 *   ConsumerProtocolAssignment v0–v3 (same fields in every version)
 *     int16   version
 *     [assignedPartitions]                     int32 count of { string topic, [int32] partitions }
 *     bytes?  userData
 *
 * Decoding a version newer than 3 reads the v3 fields and ignores the rest, as Kafka does; a
 * negative version or truncated bytes throw {@link ConsumerProtocolError}. Partitions are grouped
 * by topic in order of first appearance, keeping their order within a topic.
 */
import type { Assignment, Subscription, TopicPartition } from '../types.js';
import { ConsumerProtocolError, ProtocolReader, ProtocolWriter } from './protocol-buffer.js';

export const CONSUMER_PROTOCOL_LATEST_VERSION = 3;

/** A subscription as decoded from bytes: every field present. */
export interface DecodedSubscription extends Subscription {
  readonly version: number;
  readonly userData: Uint8Array | null;
  readonly ownedPartitions: readonly TopicPartition[];
  readonly generationId: number;
  readonly rackId: string | null;
}

export interface DecodedAssignment extends Assignment {
  readonly version: number;
}

export function encodeSubscription(subscription: Subscription, version = CONSUMER_PROTOCOL_LATEST_VERSION): Uint8Array {
  checkVersion(version);
  const writer = new ProtocolWriter().int16(version);
  writer.array(subscription.topics, (topic) => writer.string(topic));
  writer.nullableBytes(subscription.userData ?? null);
  if (version >= 1) writeTopicPartitions(writer, subscription.ownedPartitions ?? []);
  if (version >= 2) writer.int32(subscription.generationId ?? -1);
  if (version >= 3) writer.nullableString(subscription.rackId ?? null);
  return writer.toBytes();
}

export function decodeSubscription(bytes: Uint8Array): DecodedSubscription {
  const reader = new ProtocolReader(bytes);
  const version = readVersion(reader);
  const topics = reader.array(() => reader.string());
  const userData = reader.nullableBytes();
  const ownedPartitions = version >= 1 ? readTopicPartitions(reader) : [];
  const generationId = version >= 2 ? reader.int32() : -1;
  const rackId = version >= 3 ? reader.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId: rackId === '' ? null : rackId };
}

export function encodeAssignment(assignment: Assignment, version = CONSUMER_PROTOCOL_LATEST_VERSION): Uint8Array {
  checkVersion(version);
  const writer = new ProtocolWriter().int16(version);
  writeTopicPartitions(writer, assignment.partitions);
  writer.nullableBytes(assignment.userData);
  return writer.toBytes();
}

export function decodeAssignment(bytes: Uint8Array): DecodedAssignment {
  const reader = new ProtocolReader(bytes);
  const version = readVersion(reader);
  const partitions = readTopicPartitions(reader);
  const userData = reader.nullableBytes();
  return { version, partitions, userData };
}

/** `[topic string, [int32] partitions]`, grouped by topic in order of first appearance. */
export function writeTopicPartitions(writer: ProtocolWriter, partitions: readonly TopicPartition[]): void {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, [partition]);
    else list.push(partition);
  }
  writer.array([...byTopic], ([topic, numbers]) => {
    writer.string(topic);
    writer.array(numbers, (partition) => writer.int32(partition));
  });
}

export function readTopicPartitions(reader: ProtocolReader): TopicPartition[] {
  const result: TopicPartition[] = [];
  reader.array(() => {
    const topic = reader.string();
    for (const partition of reader.array(() => reader.int32())) result.push({ topic, partition });
  });
  return result;
}

function readVersion(reader: ProtocolReader): number {
  const version = reader.int16();
  if (version < 0) throw new ConsumerProtocolError(`unsupported consumer protocol version ${version}`);
  return version;
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_LATEST_VERSION) {
    throw new RangeError(`consumer protocol version must be 0…${CONSUMER_PROTOCOL_LATEST_VERSION}, got ${version}`);
  }
}
