/**
 * FetchChannels: this consumer's own HTTP/2 connection to each storage node, carrying only its
 * FetchStream to that node.
 *
 * Why not the Connection's shared channel: back-pressure pauses a stream, and a paused stream keeps
 * its flow-control window full. grpc-js gives a connection the same 8 MiB window as a stream, and
 * shares one connection among every channel with equal options (its global subchannel pool), so
 * on a shared connection a paused stream would also stall every other call to that node — this
 * consumer's ListOffsets and Metadata, and other clients' streams. A local subchannel pool keeps
 * each consumer's back-pressure to itself. Reconnection follows retryBackoffMs..retryBackoffMaxMs
 * (grpc-js would otherwise back off up to 120 s, long after a restarted node is back).
 * `close()` closes every channel it opened.
 */
import * as grpc from '@grpc/grpc-js';
import { storage } from '@samsa/proto';

/** 8 MiB stream window, as the Connection uses: the default 64 KiB caps a stream far below the link. */
const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

export class FetchChannels {
  private readonly clients = new Map<string, storage.StorageServiceClient>();

  constructor(private readonly options: { clientId: string; maxReceiveMessageBytes: number; retryBackoffMs: number; retryBackoffMaxMs: number }) {}

  /** The StorageService client on this consumer's private connection to `address`. */
  client(address: string): storage.StorageServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new storage.StorageServiceFastClient(address, grpc.credentials.createInsecure(), {
        'grpc.max_receive_message_length': this.options.maxReceiveMessageBytes,
        'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
        'grpc.primary_user_agent': `samsa-client/${this.options.clientId}`,
        'grpc.use_local_subchannel_pool': 1,
        'grpc.initial_reconnect_backoff_ms': Math.max(1, this.options.retryBackoffMs),
        'grpc.max_reconnect_backoff_ms': Math.max(1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs),
        'grpc.enable_retries': 0,
      });
      this.clients.set(address, client);
    }
    return client;
  }

  /** Closes every channel; streams still open end with CANCELLED. Idempotent. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
