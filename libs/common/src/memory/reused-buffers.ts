/**
 * Memory for encoded messages that is used again once the transport has taken a message (for
 * grpc-js: its write callback, which runs after grpc-js copied the message into its own frame).
 *
 * Why: a stream sending 1 MiB message after 1 MiB message through fresh `Buffer.allocUnsafe`
 * memory pays twice — page faults on every new megabyte, and V8 scavenges forced by "external
 * memory pressure" every few tens of MB allocated. Reused buffers are already mapped and count
 * once. At most `kept` buffers (the largest) wait for reuse; any more go to the GC.
 */
export class ReusedBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    private readonly kept: number,
    private readonly minBytes = 64 * 1024,
    /** Fresh memory of at least `size` bytes (e.g. page-aligned memory for direct I/O); buffers start at its offset 0. */
    private readonly allocate: (size: number) => ArrayBuffer = (size) => Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer,
  ) {}

  /** Buffers waiting for reuse. */
  get available(): number {
    return this.free.length;
  }

  /**
   * A buffer of exactly `size` bytes, in memory used before when a large enough one is free: the
   * one given back last, whose memory is the likeliest to still be in the CPU's cache.
   */
  take(size: number): Buffer {
    const index = this.free.findLastIndex((memory) => memory.byteLength >= size);
    const memory = index >= 0 ? (this.free.splice(index, 1)[0] as ArrayBuffer) : this.allocate(Math.max(size, this.minBytes));
    return Buffer.from(memory, 0, size);
  }

  /** Hands back a buffer from `take` (or a view of one); the caller must not touch it afterwards. */
  give(buffer: Buffer): void {
    this.free.push(buffer.buffer as ArrayBuffer);
    if (this.free.length <= this.kept) return;
    this.free.sort((a, b) => b.byteLength - a.byteLength);
    this.free.length = this.kept;
  }
}
