/**
 * The compression codecs of RecordBatch v2 (spec/kafka-facts.md §1.5), each in the stream
 * format Kafka writes and reads, so batches interoperate with Kafka clients and brokers:
 *
 * | id | codec  | format                                                              |
 * |----|--------|---------------------------------------------------------------------|
 * | 0  | none   | the bytes as they are (no copy)                                     |
 * | 1  | gzip   | RFC 1952 gzip member(s), node:zlib                                  |
 * | 2  | snappy | snappy-java (xerial) framing; raw snappy accepted on read           |
 * | 3  | lz4    | LZ4 frame: FLG 0x60 (v1, independent blocks, no checksums), BD 0x40 |
 * |    |        | (lz4-framing.ts); any valid frame accepted on read                  |
 * | 4  | zstd   | zstd frame(s); frames without a content size are streamed           |
 *
 * Errors: codec ids 5–7 (or any other number) → SamsaError(UNSUPPORTED_COMPRESSION_TYPE);
 * input a codec cannot decode → SamsaError(CORRUPT_MESSAGE) with the codec's error as cause.
 * All functions are synchronous and pure (no shared mutable state visible to callers). The
 * result may alias the input (NONE; a stored LZ4 block), so treat both as read-only.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { CompressionType } from './constants.js';
import { compressLz4Frame, decompressLz4Frame } from './lz4-framing.js';
import { compressSnappyFramed, decompressSnappy } from './snappy-framing.js';

/** zstd's own default level (Kafka's `compression.zstd.level` default is 3 too). */
const DEFAULT_ZSTD_LEVEL = 3;

export function isSupportedCompression(type: number): type is CompressionType {
  return Number.isInteger(type) && type >= CompressionType.NONE && type <= CompressionType.ZSTD;
}

function unsupported(type: number): SamsaError {
  return new SamsaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Unsupported compression codec ${type}`);
}

/**
 * Compresses `data` with codec `type`. `level` applies to gzip (0–9) and zstd (1–22); snappy
 * and lz4 have no level here.
 */
export function compress(type: CompressionType, data: Buffer, level?: number): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return data;
    case CompressionType.GZIP:
      return gzipSync(data, level === undefined ? {} : { level });
    case CompressionType.SNAPPY:
      return compressSnappyFramed(data);
    case CompressionType.LZ4:
      return compressLz4Frame(data);
    case CompressionType.ZSTD:
      return zstdCompress(data, { compressionLevel: level ?? DEFAULT_ZSTD_LEVEL });
    default:
      throw unsupported(type);
  }
}

/** Decompresses a stream written by {@link compress} or by Kafka's own codecs. */
export function decompress(type: CompressionType, data: Buffer): Buffer {
  if (!isSupportedCompression(type)) throw unsupported(type);
  try {
    switch (type) {
      case CompressionType.NONE:
        return data;
      case CompressionType.GZIP:
        return gunzipSync(data);
      case CompressionType.SNAPPY:
        return decompressSnappy(data);
      case CompressionType.LZ4:
        return decompressLz4Frame(data);
      case CompressionType.ZSTD:
        return zstdDecompress(data);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SamsaError(ErrorCode.CORRUPT_MESSAGE, `Cannot decompress ${CompressionType[type]} data: ${reason}`, { cause: error });
  }
}
