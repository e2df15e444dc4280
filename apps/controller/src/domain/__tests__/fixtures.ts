/**
 * Small request builders shared by the domain tests.
 */
import { controller } from '@samsa/proto';
import type { ControllerTestContext } from './controller-test-context.js';
import { createTopics } from '../create-topics.js';
import { alterPartition } from '../partition-handlers.js';

/** Creates `name` with explicit replica lists (partition i = lists[i]); returns the topic id. */
export function createAssigned(ctx: ControllerTestContext, name: string, lists: number[][], configs: { name: string; value: string }[] = []): string {
  const response = ctx.run(
    createTopics,
    controller.CreateTopicsRequest.fromPartial({
      topics: [{ name, assignments: lists.map((replicas, partition) => ({ partition, replicas })), configs }],
    }),
  );
  const result = response.topics[0];
  if (result === undefined || result.errorMessage !== '') throw new Error(`create ${name} failed: ${result?.errorMessage}`);
  return result.topicId;
}

/** The leader of `topic-partition` proposes `newIsr` against the current state. */
export function proposeIsr(ctx: ControllerTestContext, topic: string, partition: number, newIsr: number[]): controller.AlterPartitionResponse {
  const state = ctx.partition(topic, partition);
  return ctx.run(
    alterPartition,
    controller.AlterPartitionRequest.fromPartial({
      nodeId: state.leaderId,
      brokerEpoch: ctx.epochOf(state.leaderId),
      partitions: [{ topicPartition: { topic, partition }, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr }],
    }),
  );
}

/** Leader, ISR and epochs of a partition, for compact assertions. */
export function summary(state: controller.PartitionState | undefined): { leader: number; isr: number[]; leaderEpoch: number; partitionEpoch: number } {
  return { leader: state?.leaderId ?? -2, isr: [...(state?.isr ?? [])], leaderEpoch: state?.leaderEpoch ?? -1, partitionEpoch: state?.partitionEpoch ?? -1 };
}

/** Reasons of the PartitionChangedRecords among `records`. */
export function changeReasons(records: readonly controller.MetadataRecord[]): controller.PartitionChangeReason[] {
  return records.flatMap((record) => (record.payload?.$case === 'partitionChanged' ? [record.payload.partitionChanged.reason] : []));
}

/** The payload cases of `records`, in order. */
export function cases(records: readonly controller.MetadataRecord[]): string[] {
  return records.map((record) => record.payload?.$case ?? 'none');
}
