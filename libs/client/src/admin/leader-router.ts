/**
 * Routes per-partition requests (ListOffsets, DeleteRecords) to partition leaders: one request per
 * leader node per round, all leaders in parallel. Partitions answered with a retriable error (a
 * moved leader, an election in progress, a node that did not answer) go into the next round after
 * a backoff and a metadata refresh (leader hints are applied at once); other errors settle the
 * partition. A topic or partition absent from freshly refreshed metadata fails at once with
 * UNKNOWN_TOPIC_OR_PARTITION, as Kafka's AdminClient does. Rounds stop at the call's deadline;
 * partitions still unsettled then fail with their last error.
 */
import { isRetriable, SamsaError } from '@samsa/common';
import { ErrorCode, type storage } from '@samsa/proto';
import type { ClusterView } from '../connection/cluster-metadata.js';
import { toSamsaError } from '../connection/grpc-call.js';
import { backoffMs } from '../connection/retry.js';
import type { AdminContext } from './admin-context.js';
import { withDeadline } from './admin-context.js';
import { itemError, labelled, type Outcome } from './admin-errors.js';

export interface PartitionItem {
  readonly topic: string;
  readonly partition: number;
}

/** What a leader said about one partition. */
export type PartitionAnswer<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: SamsaError; readonly hint?: storage.LeaderHint };

/** Sends `items` (indexes into the call's items) to node `nodeId`; answers in the same order. */
export type LeaderSend<I, R> = (nodeId: number, items: readonly I[], timeoutMs: number) => Promise<Array<PartitionAnswer<R>>>;

export function partitionLabel(item: PartitionItem): string {
  return `${item.topic}-${item.partition}`;
}

export interface RoutePlan {
  /** Leader node id → indexes of the items it leads. */
  readonly byLeader: Map<number, number[]>;
  /** Items that cannot succeed (unknown topic or partition). */
  readonly failed: Map<number, SamsaError>;
  /** Items without a leader right now (retriable). */
  readonly leaderless: Map<number, SamsaError>;
}

/** Groups the `pending` items by the leader `view` names for them. Pure. */
export function planRoutes(view: ClusterView, items: readonly PartitionItem[], pending: readonly number[]): RoutePlan {
  const plan: RoutePlan = { byLeader: new Map(), failed: new Map(), leaderless: new Map() };
  for (const index of pending) {
    const item = items[index] as PartitionItem;
    const topic = view.topics.get(item.topic);
    const partition = topic?.partitions[item.partition];
    if (!topic) plan.failed.set(index, itemError(partitionLabel(item), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${item.topic} does not exist`));
    else if (!partition) plan.failed.set(index, itemError(partitionLabel(item), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${item.topic} has ${topic.partitions.length} partition(s)`));
    else if (partition.leaderId < 0 || !view.nodes.has(partition.leaderId)) plan.leaderless.set(index, itemError(partitionLabel(item), ErrorCode.LEADER_NOT_AVAILABLE, 'the partition has no leader right now'));
    else {
      const list = plan.byLeader.get(partition.leaderId) ?? [];
      list.push(index);
      plan.byLeader.set(partition.leaderId, list);
    }
  }
  return plan;
}

/** Settles every item through its leader, within `deadlineMs`; outcomes in item order. */
export async function routeToLeaders<I extends PartitionItem, R>(context: AdminContext, items: readonly I[], deadlineMs: number, send: LeaderSend<I, R>): Promise<Array<Outcome<R>>> {
  const { connection } = context;
  const outcomes = new Map<number, Outcome<R>>();
  let pending = items.map((_, index) => index);
  const lastError = new Map<number, SamsaError>();
  // Fresh metadata first (an admin call is rare, stale leaders cost a round); later rounds refresh
  // again only when some leader hint could not be applied.
  let refresh = true;
  for (let round = 0; pending.length > 0; round++) {
    const view = await withDeadline(connection.metadata({ force: refresh }), deadlineMs, 'refreshing metadata');
    refresh = false;
    const plan = planRoutes(view, items, pending);
    for (const [index, error] of plan.failed) outcomes.set(index, { ok: false, error });
    for (const [index, error] of plan.leaderless) lastError.set(index, error);
    if (plan.leaderless.size > 0) refresh = true;
    await Promise.all([...plan.byLeader].map(async ([nodeId, indexes]) => {
      const answers = await sendSafely(send, nodeId, indexes.map((index) => items[index] as I), context.attemptTimeoutMs(deadlineMs));
      indexes.forEach((index, position) => {
        const item = items[index] as I;
        const answer = answers[position] ?? { ok: false, error: new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer for the partition') };
        if (answer.ok) outcomes.set(index, answer);
        else if (isRetriable(answer.error)) {
          lastError.set(index, labelled(partitionLabel(item), answer.error));
          if (!connection.applyLeaderHint(item.topic, item.partition, answer.hint)) refresh = true;
        } else outcomes.set(index, { ok: false, error: labelled(partitionLabel(item), answer.error) });
      });
    }));
    pending = pending.filter((index) => !outcomes.has(index));
    if (pending.length === 0) break;
    const wait = backoffMs(round, connection.config);
    if (Date.now() + wait >= deadlineMs) {
      for (const index of pending) outcomes.set(index, { ok: false, error: lastError.get(index) ?? itemError(partitionLabel(items[index] as I), ErrorCode.REQUEST_TIMED_OUT, 'timed out') });
      break;
    }
    context.logger.debug({ pending: pending.length, round }, 'retrying partitions whose leader could not answer');
    await connection.sleep(wait);
  }
  return items.map((_, index) => outcomes.get(index) as Outcome<R>);
}

/** A whole-request failure becomes every item's answer (retriable ones are retried next round). */
async function sendSafely<I, R>(send: LeaderSend<I, R>, nodeId: number, items: readonly I[], timeoutMs: number): Promise<Array<PartitionAnswer<R>>> {
  try {
    return await send(nodeId, items, timeoutMs);
  } catch (caught) {
    const error = toSamsaError(caught);
    return items.map(() => ({ ok: false, error }));
  }
}
