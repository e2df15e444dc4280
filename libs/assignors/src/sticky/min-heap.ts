/**
 * A binary min-heap of numbers. The sticky builders pack `(count, member)` into one number as
 * `count * memberCount + member`, so ordering by value is ordering by count, then member index —
 * deterministic tie-breaking with no comparator calls. Exact while values stay below 2^53.
 */
export class MinHeap {
  private readonly values: number[];

  constructor(initial: Iterable<number> = []) {
    this.values = [...initial];
    for (let i = (this.values.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get size(): number {
    return this.values.length;
  }

  /** The smallest value; undefined when empty. */
  peek(): number | undefined {
    return this.values[0];
  }

  push(value: number): void {
    this.values.push(value);
    this.siftUp(this.values.length - 1);
  }

  pop(): number | undefined {
    const top = this.values[0];
    const last = this.values.pop();
    if (this.values.length > 0 && last !== undefined) {
      this.values[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replaces the smallest value (the heap must not be empty); cheaper than pop + push. */
  replaceTop(value: number): void {
    this.values[0] = value;
    this.siftDown(0);
  }

  private siftUp(start: number): void {
    const values = this.values;
    const value = values[start] ?? 0;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const parentValue = values[parent] ?? 0;
      if (parentValue <= value) break;
      values[i] = parentValue;
      i = parent;
    }
    values[i] = value;
  }

  private siftDown(start: number): void {
    const values = this.values;
    const length = values.length;
    const value = values[start] ?? 0;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childValue = values[left] ?? 0;
      if (right < length && (values[right] ?? 0) < childValue) {
        child = right;
        childValue = values[right] ?? 0;
      }
      if (childValue >= value) break;
      values[i] = childValue;
      i = child;
    }
    values[i] = value;
  }
}
