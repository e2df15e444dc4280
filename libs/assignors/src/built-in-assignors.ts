/**
 * Lookup of the built-in assignors by protocol name, for configuration
 * (`partition.assignment.strategy`) and for a coordinator that assigns server-side. The
 * assignors are stateless, so one shared instance per name is enough.
 */
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import { RangeAssignor } from './range-assignor.js';
import { RoundRobinAssignor } from './round-robin-assignor.js';
import { StickyAssignor } from './sticky-assignor.js';
import type { PartitionAssignor } from './types.js';

const BUILT_IN: ReadonlyMap<string, PartitionAssignor> = new Map<string, PartitionAssignor>(
  [new RangeAssignor(), new RoundRobinAssignor(), new StickyAssignor(), new CooperativeStickyAssignor()].map((assignor) => [assignor.name, assignor]),
);

export const BUILT_IN_ASSIGNOR_NAMES: readonly string[] = [...BUILT_IN.keys()];

/** The built-in assignor called `name` (`range`, `roundrobin`, `sticky`, `cooperative-sticky`), or undefined. */
export function builtInAssignor(name: string): PartitionAssignor | undefined {
  return BUILT_IN.get(name);
}
