/**
 * User data of the sticky assignors (Kafka `StickyAssignor` / `CooperativeStickyAssignor`).
 * No version prefix; readers tell the versions apart by length, as Kafka does.
 *
 *   StickyAssignorUserData v1 (eager "sticky": its previous assignment, kept across the eager
 *   revoke-all, and the generation it was made in)
 *     [previous_assignment]   int32 count of { string topic, [int32] partitions }
 *     int32 generation        absent in v0 → decoded as −1
 *
 *   CooperativeStickyAssignorUserData v0 (older cooperative clients; newer ones send the
 *   generation in ConsumerProtocolSubscription v2+ instead)
 *     int32 generation
 *
 * The layouts come from Kafka's `StickyAssignor`/`CooperativeStickyAssignor` schemas; the spec
 * (kafka-facts.md §4.3) only says what they carry.
 */
import type { TopicPartition } from '../types.js';
import { readTopicPartitions, writeTopicPartitions } from './consumer-protocol.js';
import { ConsumerProtocolError, ProtocolReader, ProtocolWriter } from './protocol-buffer.js';

export interface StickyUserData {
  readonly previousAssignment: readonly TopicPartition[];
  /** −1 when absent (v0 data). */
  readonly generation: number;
}

/** Encodes StickyAssignorUserData v1. */
export function encodeStickyUserData(data: StickyUserData): Uint8Array {
  const writer = new ProtocolWriter();
  writeTopicPartitions(writer, data.previousAssignment);
  writer.int32(data.generation);
  return writer.toBytes();
}

/** Decodes v1, or v0 when the generation is missing; throws {@link ConsumerProtocolError} when malformed. */
export function decodeStickyUserData(bytes: Uint8Array): StickyUserData {
  const reader = new ProtocolReader(bytes);
  const previousAssignment = readTopicPartitions(reader);
  const generation = reader.remaining >= 4 ? reader.int32() : -1;
  return { previousAssignment, generation };
}

export function encodeCooperativeStickyUserData(generation: number): Uint8Array {
  return new ProtocolWriter().int32(generation).toBytes();
}

export function decodeCooperativeStickyUserData(bytes: Uint8Array): number {
  if (bytes.length < 4) throw new ConsumerProtocolError(`cooperative-sticky user data needs 4 bytes, got ${bytes.length}`);
  return new ProtocolReader(bytes).int32();
}
