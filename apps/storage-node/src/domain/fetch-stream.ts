/**
 * FetchStream: a fetch that stays open. The node pushes each partition's new batches as they
 * arrive (woken by appends and high-watermark moves), continuing from where the previous push
 * ended; a partition that errs is reported once and dropped from the stream; the stream ends when
 * none is left or the client goes away. The sink's `write` returning false is HTTP/2 flow control
 * telling us to wait for `drained` — the consumer's back-pressure.
 */
import type { storage } from '@samsa/proto';
import { awaitAnyChange, readOnce, validateFetch, withReadBuffers, type FetchContext, type FetchInput, type FetchRead } from './fetch.js';

export interface StreamSink {
  /** Must copy (encode) the response before returning: its records alias read buffers the stream reuses. */
  write(response: storage.FetchStreamResponse): boolean;
  drained(): Promise<void>;
}

const IDLE_WAIT_MS = 30_000;

export async function runFetchStream(input: FetchInput, context: FetchContext, sink: StreamSink, signal: AbortSignal): Promise<void> {
  validateFetch(input);
  const topics = input.topics.map((topic) => ({ topic: topic.topic, partitions: topic.partitions.map((partition) => ({ ...partition })) }));
  await withReadBuffers(input, context, async (reading) => {
    while (!signal.aborted && topics.some((topic) => topic.partitions.length > 0)) {
      const read = await readOnce({ ...reading, topics }, context);
      const pushed = advance(topics, read);
      if (pushed.length > 0) {
        if (!sink.write({ topics: pushed })) await sink.drained();
        continue;
      }
      await awaitAnyChange(read.partitions, input.maxWaitMs > 0 ? input.maxWaitMs : IDLE_WAIT_MS, context.clock, signal);
    }
  });
}

/** What `read` has to push; moves each pushed partition on to where its read ended, and drops those that erred. */
function advance(topics: storage.FetchTopic[], read: FetchRead): storage.FetchTopicData[] {
  const pushed: storage.FetchTopicData[] = [];
  for (const topicData of read.topics) {
    const entry = topics.find((topic) => topic.topic === topicData.topic);
    const partitions = topicData.partitions.filter((data) => data.records.length > 0 || data.errorCode !== 0 || data.divergingEpoch);
    for (const data of partitions) {
      const position = entry?.partitions.find((partition) => partition.partition === data.partition);
      const next = read.nextOffsets.get(`${topicData.topic}\u0000${data.partition}`);
      if (position && next !== undefined) position.fetchOffset = next;
      if (entry && (data.errorCode !== 0 || data.divergingEpoch)) entry.partitions = entry.partitions.filter((partition) => partition.partition !== data.partition);
    }
    if (partitions.length > 0) pushed.push({ topic: topicData.topic, partitions });
  }
  return pushed;
}
