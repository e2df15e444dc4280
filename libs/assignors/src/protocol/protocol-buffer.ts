/**
 * Writer and reader for Kafka's classic, non-flexible protocol primitives as the consumer
 * protocol payloads use them: big-endian int16/int32, `string` = int16 length + UTF-8 bytes,
 * `nullable string` = length −1 for null, `nullable bytes` = int32 length (−1 for null) + bytes,
 * arrays = int32 count + elements.
 *
 * The reader checks every length against the remaining bytes and throws
 * {@link ConsumerProtocolError} instead of reading past the end; trailing bytes are left for the
 * caller (newer versions append fields that older readers skip).
 */

/** Malformed consumer-protocol bytes (truncated, negative lengths, unsupported version). */
export class ConsumerProtocolError extends Error {
  override readonly name = 'ConsumerProtocolError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class ProtocolWriter {
  private buffer = new Uint8Array(64);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  int16(value: number): this {
    this.ensure(2);
    this.view.setInt16(this.length, value);
    this.length += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }

  string(value: string): this {
    const bytes = encoder.encode(value);
    if (bytes.length > 0x7fff) throw new ConsumerProtocolError(`string of ${bytes.length} bytes exceeds the int16 length limit`);
    return this.int16(bytes.length).raw(bytes);
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.int32(value.length).raw(value);
  }

  array<T>(items: readonly T[], writeItem: (item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(item);
    return this;
  }

  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

export class ProtocolReader {
  private readonly view: DataView;
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.view.getInt16(this.position);
    this.position += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.view.getInt32(this.position);
    this.position += 4;
    return value;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ConsumerProtocolError('null where a non-nullable string was expected');
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < -1) throw new ConsumerProtocolError(`invalid string length ${length}`);
    if (length === -1) return null;
    return this.utf8(this.take(length, 'string'));
  }

  nullableBytes(): Uint8Array | null {
    const length = this.int32();
    if (length < -1) throw new ConsumerProtocolError(`invalid bytes length ${length}`);
    return length === -1 ? null : this.take(length, 'bytes').slice();
  }

  array<T>(readItem: () => T): T[] {
    const count = this.int32();
    if (count < 0) throw new ConsumerProtocolError(`invalid array length ${count}`);
    // Each element takes at least one byte: reject absurd counts before allocating.
    if (count > this.remaining) throw new ConsumerProtocolError(`array of ${count} elements exceeds the ${this.remaining} remaining bytes`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem());
    return items;
  }

  private take(length: number, what: string): Uint8Array {
    this.need(length, what);
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }

  private need(length: number, what: string): void {
    if (this.remaining < length) {
      throw new ConsumerProtocolError(`truncated: ${what} needs ${length} bytes at offset ${this.position}, ${this.remaining} left`);
    }
  }

  private utf8(bytes: Uint8Array): string {
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      throw new ConsumerProtocolError('string is not valid UTF-8', { cause });
    }
  }
}
