/**
 * Server reflection (grpc.reflection.v1 and v1alpha) over the descriptor set the proto build
 * produces, plus the standard health service, so tools like grpcurl can list and call services.
 */
import { readFileSync } from 'node:fs';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { descriptorSetPath } from '@samsa/proto';

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

let cachedDefinition: protoLoader.PackageDefinition | undefined;

function packageDefinition(): protoLoader.PackageDefinition {
  cachedDefinition ??= {
    ...protoLoader.loadFileDescriptorSetFromBuffer(readFileSync(descriptorSetPath)),
    ...protoLoader.loadSync(healthProtoPath),
  };
  return cachedDefinition;
}

/** A reflection service that lists exactly `serviceNames` (plus health). */
export function createReflection(serviceNames: readonly string[]): ReflectionService {
  return new ReflectionService(packageDefinition(), { services: [...serviceNames, HEALTH_SERVICE_NAME] });
}
