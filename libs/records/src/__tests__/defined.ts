/** Test-only: narrows away null/undefined, failing the test with a clear message instead of a `!`. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}

/** Test-only: XORs the byte at `index` with `mask` (bounds-checked). */
export function flipBits(buffer: Buffer, index: number, mask: number): void {
  buffer.writeUInt8(buffer.readUInt8(index) ^ mask, index);
}
