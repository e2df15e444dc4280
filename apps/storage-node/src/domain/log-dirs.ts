/**
 * DescribeLogDirs: this node's log directory with its capacity and, per hosted partition, the
 * bytes on disk and how far a follower lags its leader's high watermark.
 */
import { statfs } from 'node:fs/promises';
import { PartitionLog } from '@samsa/log';
import { ErrorCode, type storage } from '@samsa/proto';
import type { ReplicaManager } from './replica-manager.js';

export async function describeLogDirs(request: storage.DescribeLogDirsRequest, deps: { replicas: ReplicaManager }, dataDir: string): Promise<storage.DescribeLogDirsResponse> {
  const wanted = (topic: string, partition: number) =>
    request.topics.length === 0 || request.topics.some((entry) => entry.topic === topic && (entry.partitions.length === 0 || entry.partitions.includes(partition)));
  const byTopic = new Map<string, storage.LogDirPartition[]>();
  for (const partition of deps.replicas.all()) {
    if (!wanted(partition.topic, partition.index)) continue;
    const list = byTopic.get(partition.topic) ?? [];
    const sizeBytes = partition.log instanceof PartitionLog ? partition.log.sizeInBytes : 0;
    list.push({ partition: partition.index, sizeBytes, offsetLag: Math.max(0, partition.highWatermark - partition.log.logEndOffset), isFuture: false });
    byTopic.set(partition.topic, list);
  }
  const space = await statfs(dataDir).catch(() => undefined);
  return {
    logDirs: [
      {
        path: dataDir,
        errorCode: space ? ErrorCode.NONE : ErrorCode.KAFKA_STORAGE_ERROR,
        errorMessage: space ? '' : 'the log directory cannot be read',
        totalBytes: space ? space.blocks * space.bsize : -1,
        usableBytes: space ? space.bavail * space.bsize : -1,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      },
    ],
  };
}
