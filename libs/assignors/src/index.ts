/**
 * @samsa/assignors: consumer partition assignors — `range`, `roundrobin`, `sticky`,
 * `cooperative-sticky` — behind one {@link PartitionAssignor} interface that both the client
 * (classic protocol, leader-side) and the group coordinator (server-side) use, plus Kafka's
 * ConsumerProtocol subscription/assignment encoding and the sticky assignors' user data.
 * Pure domain code: no I/O, no clock, no randomness.
 */
export {
  compareStrings,
  compareTopicPartitions,
  formatTopicPartition,
  topicPartition,
  type Assignment,
  type GroupAssignment,
  type GroupMember,
  type PartitionAssignor,
  type PartitionsPerTopic,
  type RebalanceProtocol,
  type Subscription,
  type SubscriptionContext,
  type TopicPartition,
} from './types.js';
export { compareMembers } from './member-order.js';
export { RangeAssignor } from './range-assignor.js';
export { RoundRobinAssignor } from './round-robin-assignor.js';
export { StickyAssignor } from './sticky-assignor.js';
export { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
export { builtInAssignor, BUILT_IN_ASSIGNOR_NAMES } from './built-in-assignors.js';
export {
  CONSUMER_PROTOCOL_LATEST_VERSION,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type DecodedAssignment,
  type DecodedSubscription,
} from './protocol/consumer-protocol.js';
export {
  decodeCooperativeStickyUserData,
  decodeStickyUserData,
  encodeCooperativeStickyUserData,
  encodeStickyUserData,
  type StickyUserData,
} from './protocol/sticky-user-data.js';
export { ConsumerProtocolError } from './protocol/protocol-buffer.js';
