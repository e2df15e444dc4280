/** @samsa/testing: harnesses for Samsa's integration, cluster and contract tests. */
export { spawnService, type SpawnedService, type ReadyInfo, type ExitInfo } from './spawn-service.js';
export { checkHealth, listServicesByReflection, callStatus } from './grpc-probes.js';
export { httpGet } from './http-probe.js';
export { makeTempDir } from './temp-dir.js';
export { describeServiceContract, type ServiceContractOptions } from './service-contract.js';
export { startEtcd, reserveFreePorts, type StartEtcdOptions, type EtcdCluster, type EtcdMember } from './start-etcd.js';
export {
  startCluster,
  testControllerDefaults,
  testCoordinatorControllerDefaults,
  type StartClusterOptions,
  type TestCluster,
  type ClusterNode,
  type ClusterMember,
  type ClusterMemberId,
  type MemberState,
  type RestartOptions,
} from './cluster-harness.js';
export { benchStorageClient, createBenchTopic, deleteBenchTopic, benchLeaderOf, rawProduceStream, rawFetchStream, type RawProduceOptions } from './bench-drivers.js';
export { call } from './unary-call.js';
