/**
 * Read buffers: the memory fetch reads land in. It is page-aligned, so the log reads into it with
 * O_DIRECT (no page cache to fill and evict), and it comes from one node-wide pool: a follower's
 * fetch or a FetchStream takes one buffer per partition, reuses it read after read, and gives it
 * back when the call ends. Replication and consumers then cycle through the same few megabytes
 * instead of fresh memory per read (page faults, and GCs forced by external memory).
 *
 * A read's records alias its buffer: the caller copies (encodes) them before the partition is
 * read again and before `release`.
 */
import { ReusedBuffers } from '@samsa/common';
import { alignedBuffer } from '@samsa/log';
import type { storage } from '@samsa/proto';

/** Largest read buffer handed out; larger reads take the log's own path (fresh, buffered). */
const MAX_READ_BUFFER = 16 << 20;
/** Room past a read's bytes: the header peek at the next batch and a direct read's alignment. */
const READ_SLACK = 64 * 1024;
/** Idle buffers the pool keeps (the largest); at most KEPT × MAX_READ_BUFFER bytes. */
const KEPT = 8;

/** The node's pool of aligned read memory. */
export function readMemoryPool(kept = KEPT): ReusedBuffers {
  return new ReusedBuffers(kept, READ_SLACK, (size) => alignedBuffer(size).buffer as ArrayBuffer);
}

/** The read buffers of one fetch call or stream, one per partition. */
export class ReadBuffers {
  private readonly buffers = new Map<string, Buffer>();

  constructor(
    private readonly memory: ReusedBuffers,
    private readonly maxBytes: number,
  ) {}

  /** The partition's buffer; undefined when its reads may be larger than any buffer handed out. */
  for(topic: string, partition: storage.FetchPartition): Buffer | undefined {
    const size = Math.min(this.maxBytes, partition.partitionMaxBytes) + READ_SLACK;
    if (size > MAX_READ_BUFFER) return undefined;
    const key = `${topic}\u0000${partition.partition}`;
    let buffer = this.buffers.get(key);
    if (!buffer) this.buffers.set(key, (buffer = this.memory.take(size)));
    return buffer;
  }

  /** Gives every buffer back to the pool (no read may be in flight, no record still aliased). */
  release(): void {
    for (const buffer of this.buffers.values()) this.memory.give(buffer);
    this.buffers.clear();
  }
}
