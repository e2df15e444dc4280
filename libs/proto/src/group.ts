/** samsa.group.v1: the group coordinator's contract and the records it persists. */
export * from './gen/samsa/group/v1/group_records.js';
export * from './gen/samsa/group/v1/group_coordinator_service.js';
