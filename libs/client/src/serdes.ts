/**
 * Serializers and deserializers for keys and values (Kafka's Serializer/Deserializer). A
 * serializer turns the application's value into bytes (null stays null: a tombstone or a record
 * without a key); a deserializer does the reverse. Built in: buffer (identity), string (UTF-8)
 * and json; anything with the same shape is a custom one.
 */
export interface Serializer<T> {
  serialize(value: T, topic: string): Buffer | null;
}

export interface Deserializer<T> {
  deserialize(bytes: Buffer | null, topic: string): T;
}

export type Serde<T> = Serializer<T> & Deserializer<T>;

export const bufferSerde: Serde<Buffer | null> = {
  serialize: (value) => (value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)),
  deserialize: (bytes) => bytes,
};

export const stringSerde: Serde<string | null> = {
  serialize: (value) => (value === null || value === undefined ? null : Buffer.from(String(value), 'utf8')),
  deserialize: (bytes) => (bytes === null ? null : bytes.toString('utf8')),
};

export const jsonSerde: Serde<unknown> = {
  serialize: (value) => (value === null || value === undefined ? null : Buffer.from(JSON.stringify(value), 'utf8')),
  deserialize: (bytes) => (bytes === null ? null : (JSON.parse(bytes.toString('utf8')) as unknown)),
};

/** The built-in serdes by name, for options given as strings. */
export const serdes = { buffer: bufferSerde, string: stringSerde, json: jsonSerde } as const;
export type SerdeName = keyof typeof serdes;

/** A serde option: a built-in name or a custom implementation. */
export function resolveSerde<T>(option: SerdeName | Serializer<T> | Deserializer<T> | undefined, fallback: SerdeName): Serde<T> {
  if (option === undefined) return serdes[fallback] as unknown as Serde<T>;
  if (typeof option === 'string') return serdes[option] as unknown as Serde<T>;
  return option as Serde<T>;
}

/** A record header as the application sees it. */
export interface Header {
  key: string;
  value: Buffer | null;
}
