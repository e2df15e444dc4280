/**
 * Config key specifications: each key has a type, a default, an optional unit and bounds, and a
 * one-line doc (Kafka's `*_CONFIG` / `*_DOC` pairs). Services declare a schema object of these;
 * {@link parseConfig} turns flags, `SAMSA_*` environment and an optional file into a typed,
 * frozen object.
 */
export interface KeySpec<T> {
  readonly type: 'int' | 'string' | 'boolean' | 'enum' | 'list';
  /** One-line description shown by `--help`. */
  readonly doc: string;
  /** Used when no source sets the key; a key without a default is required. */
  readonly default?: T;
  /** Unit of the value, for help text (the key name carries it too: `sessionTimeoutMs`). */
  readonly unit?: string;
  /** Converts a raw source value, or returns an error text (without the key name). */
  readonly parse: (raw: unknown) => { value: T } | { error: string };
}

export type ConfigSchema = Record<string, KeySpec<unknown>>;

/** The typed configuration a schema describes. */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends KeySpec<infer T> ? T : never;
};

interface Common<T> {
  doc: string;
  default?: T;
  unit?: string;
}

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
}

/** An integer within [min, max] (inclusive). */
export function intKey(spec: Common<number> & { min?: number; max?: number }): KeySpec<number> {
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return {
    type: 'int',
    ...spec,
    parse(raw) {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value)) return { error: `expected an integer, got ${describe(raw)}` };
      if (value < min || value > max) return { error: `${value} is out of range [${min}, ${max}]` };
      return { value };
    },
  };
}

/** A string; `nonEmpty` rejects "". */
export function stringKey(spec: Common<string> & { nonEmpty?: boolean }): KeySpec<string> {
  return {
    type: 'string',
    ...spec,
    parse(raw) {
      if (typeof raw !== 'string') return { error: `expected a string, got ${describe(raw)}` };
      if (spec.nonEmpty && raw.length === 0) return { error: 'must not be empty' };
      return { value: raw };
    },
  };
}

/** A boolean: true/false (also 1/0, yes/no in flags and environment). */
export function booleanKey(spec: Common<boolean>): KeySpec<boolean> {
  return {
    type: 'boolean',
    ...spec,
    parse(raw) {
      if (typeof raw === 'boolean') return { value: raw };
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (['true', '1', 'yes'].includes(text)) return { value: true };
      if (['false', '0', 'no'].includes(text)) return { value: false };
      return { error: `expected true or false, got ${describe(raw)}` };
    },
  };
}

/** One of a fixed set of strings. */
export function enumKey<const V extends string>(values: readonly V[], spec: Common<V>): KeySpec<V> {
  return {
    type: 'enum',
    ...spec,
    parse(raw) {
      if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return { value: raw as V };
      return { error: `expected one of ${values.join('|')}, got ${describe(raw)}` };
    },
  };
}

/** A list of strings: comma-separated in flags and environment, an array in a file. */
export function listKey(spec: Common<readonly string[]>): KeySpec<readonly string[]> {
  return {
    type: 'list',
    ...spec,
    parse(raw) {
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return { value: Object.freeze([...raw]) };
      if (typeof raw === 'string') {
        const items = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
        return { value: Object.freeze(items) };
      }
      return { error: `expected a comma-separated list, got ${describe(raw)}` };
    },
  };
}
