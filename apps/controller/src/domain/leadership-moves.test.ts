import { controller } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerHeartbeat, controlledShutdown, fenceBroker, registerBroker } from './broker-handlers.js';
import { electLeaders } from './partition-handlers.js';
import { ControllerTestContext, incarnation } from './__tests__/controller-test-context.js';
import { proposeIsr } from './__tests__/fixtures.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE } = controller.BrokerState;

type Operation =
  | { kind: 'fence'; node: number }
  | { kind: 'heartbeat'; node: number }
  | { kind: 'shutdown'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'shrink'; topic: number; partition: number; keep: number }
  | { kind: 'preferred' };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('fence' as const), node: fc.nat(5) }),
  fc.record({ kind: fc.constant('heartbeat' as const), node: fc.nat(5) }),
  fc.record({ kind: fc.constant('shutdown' as const), node: fc.nat(5) }),
  fc.record({ kind: fc.constant('restart' as const), node: fc.nat(5) }),
  fc.record({ kind: fc.constant('shrink' as const), topic: fc.nat(2), partition: fc.nat(7), keep: fc.nat(7) }),
  fc.record({ kind: fc.constant('preferred' as const) }),
);

const scenarioArbitrary = fc.record({
  racks: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 2, maxLength: 6 }),
  topics: fc.array(fc.record({ partitions: fc.integer({ min: 1, max: 8 }), replicationFactor: fc.integer({ min: 1, max: 3 }), unclean: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
  operations: fc.array(operationArbitrary, { maxLength: 25 }),
});

function apply(ctx: ControllerTestContext, operation: Operation): void {
  switch (operation.kind) {
    case 'fence': {
      const broker = ctx.image.broker(operation.node);
      ctx.replay(fenceBroker(ctx.image, operation.node, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED).records);
      if (broker !== undefined) {
        expect(ctx.image.broker(operation.node)?.state).toBe(FENCED);
        for (const topic of ctx.image.topics()) {
          for (const state of topic.partitions) {
            expect(state.leaderId).not.toBe(operation.node);
            if (state.isr.includes(operation.node)) expect(state).toMatchObject({ isr: [operation.node], leaderId: -1 });
          }
        }
      }
      return;
    }
    case 'heartbeat':
      if (ctx.image.broker(operation.node) === undefined) return;
      ctx.run(brokerHeartbeat, controller.BrokerHeartbeatRequest.fromPartial({ nodeId: operation.node, brokerEpoch: ctx.epochOf(operation.node), currentMetadataVersion: ctx.image.version }));
      return;
    case 'shutdown':
      if (ctx.image.broker(operation.node) === undefined) return;
      ctx.run(controlledShutdown, controller.ControlledShutdownRequest.fromPartial({ nodeId: operation.node, brokerEpoch: ctx.epochOf(operation.node) }));
      return;
    case 'restart': {
      if (ctx.image.broker(operation.node) === undefined) return;
      const generation = ctx.image.version + 1;
      ctx.liveBrokerSessions.clear();
      const request = controller.RegisterBrokerRequest.fromPartial({
        nodeId: operation.node,
        incarnationId: incarnation(operation.node, generation),
        listeners: [{ name: 'internal', host: 'h', port: 1 }],
      });
      ctx.replay(registerBroker(ctx.image, request, ctx.context()).records);
      expect(ctx.image.topics().every((topic) => topic.partitions.every((state) => state.leaderId !== operation.node))).toBe(true);
      return;
    }
    case 'shrink': {
      const topic = ctx.image.topics().filter((candidate) => !candidate.internal)[operation.topic];
      const state = topic?.partitions[operation.partition];
      if (topic === undefined || state === undefined || state.leaderId === -1) return;
      const followers = state.isr.filter((id) => id !== state.leaderId);
      proposeIsr(ctx, topic.name, operation.partition, [state.leaderId, ...followers.slice(0, operation.keep % (followers.length + 1))]);
      return;
    }
    case 'preferred':
      ctx.run(electLeaders, controller.ElectLeadersRequest.fromPartial({ electionType: controller.ElectionType.ELECTION_TYPE_PREFERRED }));
      return;
  }
}

describe('leadership under node failures (property)', () => {
  it('never empties an ISR, never leaves a fenced leader, and replays to the same image', () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ racks, topics, operations }) => {
        const ctx = new ControllerTestContext();
        ctx.addBrokers(racks);
        topics.forEach((topic, index) => {
          const replicationFactor = Math.min(topic.replicationFactor, racks.length);
          ctx.createTopic(`topic-${index}`, topic.partitions, replicationFactor, [{ name: 'unclean.leader.election.enable', value: String(topic.unclean) }]);
        });
        for (const operation of operations) {
          apply(ctx, operation);
          ctx.expectPartitionInvariants();
        }
        for (const topic of ctx.image.topics()) {
          for (const state of topic.partitions) {
            // An offline partition has no eligible in-sync replica (else it would have been elected).
            if (state.leaderId === -1) expect(state.isr.some((id) => ctx.image.broker(id)?.state === ACTIVE)).toBe(false);
          }
        }
        ctx.expectReplayConsistent();
      }),
      { numRuns: 150 },
    );
  });
});
