/**
 * The idempotent producer's identity: a producer id and epoch from
 * `TransactionCoordinatorService.InitProducerId` (no transactional id), fetched once and again
 * whenever the producer must start its sequences over (UNKNOWN_PRODUCER_ID, or a batch that
 * expired after it got a sequence). Retries with the connection's backoff until it succeeds or the
 * producer closes.
 */
import { SamsaError, type Logger } from '@samsa/common';
import { transaction } from '@samsa/proto';
import type { Connection } from '../connection/connection.js';
import { toSamsaError, unary } from '../connection/grpc-call.js';
import type { ProducerIdentity } from './accumulator.js';

export class IdempotentIdentity {
  private current: ProducerIdentity | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly onReady: () => void,
    private readonly onFatal: (error: Error) => void,
  ) {}

  /** The identity to stamp on batches; undefined while (re)initializing (starts it). */
  get(): ProducerIdentity | undefined {
    if (!this.current) this.load();
    return this.current;
  }

  /** Drops the identity: the next `get()` fetches a new producer id, and sequences start at 0. */
  reset(reason: string): void {
    if (!this.current) return;
    this.logger.info({ producerId: this.current.producerId, reason }, 'resetting the idempotent producer id');
    this.current = undefined;
    this.load();
  }

  private load(): void {
    if (this.loading || this.connection.closed) return;
    this.loading = this.fetch()
      .then(
        (identity) => {
          this.current = identity;
          this.logger.debug({ ...identity }, 'producer id assigned');
          this.onReady();
        },
        (error: unknown) => {
          if (!this.connection.closed) this.onFatal(toSamsaError(error));
        },
      )
      .finally(() => {
        this.loading = undefined;
      });
  }

  /** Asks a transaction coordinator until it answers (retriable errors back off) or the producer closes. */
  private fetch(): Promise<ProducerIdentity> {
    return this.connection.retry(
      async () => {
        const client = await this.connection.transactionCoordinator();
        const response = await unary(client, client.initProducerId, transaction.InitProducerIdRequest.fromPartial({ transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 }), this.connection.config.requestTimeoutMs);
        if (response.errorCode !== 0) throw new SamsaError(response.errorCode, `InitProducerId failed: ${response.errorMessage}`);
        return { producerId: response.producerId, producerEpoch: response.producerEpoch };
      },
      {
        deadlineMs: Infinity,
        onRetry: (error) => {
          this.logger.debug({ error: error.message }, 'InitProducerId failed, retrying');
          this.connection.invalidate();
        },
      },
    );
  }
}
