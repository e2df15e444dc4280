/**
 * A scripted stand-in for the parts of the `etcd3` client our adapter uses (watch and lease
 * streams, range, lease RPCs), so EtcdWatch and EtcdLease can be tested deterministically with a
 * ManualClock: the test decides what etcd answers and when a stream breaks.
 */
import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';

export class FakeStream extends EventEmitter {
  readonly written: unknown[] = [];
  cancelled = false;
  ended = false;
  private readonly onWrite: (stream: FakeStream, item: unknown) => void;

  constructor(onWrite: (stream: FakeStream, item: unknown) => void = () => undefined) {
    super();
    this.onWrite = onWrite;
  }

  write(item: unknown): void {
    this.written.push(item);
    this.onWrite(this, item);
  }

  cancel(): void {
    this.cancelled = true;
  }

  end(): void {
    this.ended = true;
  }

  /** Emits a response on the next turn, as a network stream would. */
  reply(response: unknown): void {
    setImmediate(() => this.emit('data', response));
  }
}

export interface FakeEtcdScript {
  range?: (request: Record<string, unknown>) => Promise<unknown>;
  leaseGrant?: () => Promise<{ ID: string; TTL: string }>;
  leaseRevoke?: () => Promise<unknown>;
  leaseTimeToLive?: () => Promise<{ TTL: string }>;
  /** Called for each keepalive request written; reply or fail through the stream. */
  keepAlive?: (stream: FakeStream) => void;
}

export class FakeEtcd {
  readonly watchStreams: FakeStream[] = [];
  readonly calls: string[] = [];
  private readonly streamWaiters: Array<(stream: FakeStream) => void> = [];

  constructor(private readonly script: FakeEtcdScript = {}) {}

  get client(): Etcd3 {
    const script = this.script;
    return {
      kv: {
        range: (request: Record<string, unknown>) => {
          this.calls.push('range');
          return script.range ? script.range(request) : Promise.resolve({ kvs: [], header: { revision: '1' } });
        },
      },
      watchClient: {
        watch: async () => {
          const stream = new FakeStream();
          this.watchStreams.push(stream);
          this.streamWaiters.splice(0).forEach((resolve) => resolve(stream));
          return stream;
        },
      },
      leaseClient: {
        leaseGrant: () => (this.calls.push('grant'), script.leaseGrant ? script.leaseGrant() : Promise.resolve({ ID: '42', TTL: '3' })),
        leaseRevoke: () => (this.calls.push('revoke'), script.leaseRevoke ? script.leaseRevoke() : Promise.resolve({})),
        leaseTimeToLive: () => (this.calls.push('ttl'), script.leaseTimeToLive ? script.leaseTimeToLive() : Promise.resolve({ TTL: '3' })),
        leaseKeepAlive: async () => {
          this.calls.push('keepalive');
          return new FakeStream((stream) => (script.keepAlive ? script.keepAlive(stream) : stream.reply({ TTL: '3' })));
        },
      },
    } as unknown as Etcd3;
  }

  /** The watch stream opened `index`-th (0-based), once it exists and the adapter has had its turn to write to it. */
  async watchStream(index: number): Promise<FakeStream> {
    for (;;) {
      const stream = this.watchStreams[index];
      if (stream) {
        await new Promise((resolve) => setImmediate(resolve));
        return stream;
      }
      await new Promise<FakeStream>((resolve) => this.streamWaiters.push(resolve));
    }
  }
}

export const watchResponse = (fields: {
  revision: number;
  created?: boolean;
  canceled?: boolean;
  compactRevision?: number;
  events?: Array<{ type: 'Put' | 'Delete'; key: string; revision: number }>;
}) => ({
  header: { revision: String(fields.revision) },
  watch_id: '0',
  created: fields.created ?? false,
  canceled: fields.canceled ?? false,
  compact_revision: String(fields.compactRevision ?? 0),
  cancel_reason: '',
  fragment: false,
  events: (fields.events ?? []).map((event) => ({
    type: event.type,
    kv: { key: Buffer.from(event.key), value: Buffer.from('v'), create_revision: String(event.revision), mod_revision: String(event.revision), version: '1', lease: '0' },
    prev_kv: null,
  })),
});
