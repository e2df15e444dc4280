/**
 * describeConfigs and alterConfigs, answered by the controller. alterConfigs is incremental, as
 * the contract is (Kafka's IncrementalAlterConfigs with SET and DELETE): keys not mentioned keep
 * their value; a resource changes entirely or not at all. Only topic resources exist.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import { unary } from '../connection/grpc-call.js';
import type { AdminContext } from './admin-context.js';
import { itemError, valuesOrThrow, type Outcome } from './admin-errors.js';
import type {
  AlterConfigsOptions,
  ConfigAlteration,
  ConfigEntryDescription,
  ConfigResource,
  ConfigResourceDescription,
  ConfigResourceType,
  ConfigSourceName,
  DescribeConfigsOptions,
} from './admin-types.js';

type ResourceKey = { type: ConfigResourceType; name: string };

const resourceLabel = (key: ResourceKey): string => `${key.type} ${key.name}`;
const resourceKey = (resource: ResourceKey): ResourceKey => ({ type: resource.type, name: resource.name });

/** The wire resource type; throws INVALID_REQUEST naming every resource of an unsupported type. */
function wireTypes(operation: string, resources: readonly ResourceKey[]): controller.ConfigResourceType[] {
  const unsupported = resources.filter((resource) => resource?.type !== 'topic' || typeof resource.name !== 'string');
  if (unsupported.length > 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, `${operation}: only { type: 'topic', name } resources exist (got ${unsupported.map((resource) => JSON.stringify(resource)).join(', ')})`);
  return resources.map(() => controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC);
}

export function sourceName(source: controller.ConfigSource): ConfigSourceName {
  switch (source) {
    case controller.ConfigSource.CONFIG_SOURCE_RESOURCE:
      return 'resource';
    case controller.ConfigSource.CONFIG_SOURCE_DEFAULT:
      return 'default';
    default:
      return 'unknown';
  }
}

/** A described key as the public shape. Pure. */
export function configEntry(config: controller.DescribedConfig): ConfigEntryDescription {
  const source = sourceName(config.source);
  return { name: config.name, value: config.value, source, isDefault: source === 'default', documentation: config.documentation };
}

/** The wire entries of an incremental change: a string sets the key, null (or undefined) removes it. Pure. */
export function configChanges(configs: Readonly<Record<string, string | null>>): Array<{ name: string; value?: string }> {
  return Object.entries(configs).map(([name, value]) => (typeof value === 'string' ? { name, value } : { name }));
}

/** Results matched to requested resources, by position or else by name. */
function inRequestOrder<R extends { resourceName: string }>(keys: readonly ResourceKey[], results: readonly R[]): Array<R | undefined> {
  return keys.map((key, index) => (results[index]?.resourceName === key.name ? results[index] : results.find((result) => result.resourceName === key.name)));
}

const noAnswer = (key: ResourceKey): Outcome<never> => ({ ok: false, error: itemError(resourceLabel(key), ErrorCode.UNKNOWN_SERVER_ERROR, 'the controller did not answer for the resource') });

export async function describeConfigs(context: AdminContext, resources: readonly ConfigResource[], input: DescribeConfigsOptions | undefined): Promise<ConfigResourceDescription[]> {
  const options = context.options('describeConfigs', { includeDocumentation: { kind: 'bool', default: false } }, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  const types = wireTypes('describeConfigs', resources);
  if (resources.length === 0) return [];
  const request = controller.DescribeConfigsRequest.fromPartial({
    resources: resources.map((resource, index) => ({ resourceType: types[index], resourceName: resource.name, configNames: [...(resource.configNames ?? [])] })),
    includeDocumentation: options.includeDocumentation,
  });
  const response = await context.controller((client, timeoutMs) => unary(client, client.describeConfigs, request, timeoutMs), deadlineMs);
  const keys = resources.map(resourceKey);
  const outcomes = inRequestOrder(keys, response.results).map((result, index): Outcome<ConfigResourceDescription> => {
    const key = keys[index] as ResourceKey;
    if (!result) return noAnswer(key);
    if (result.errorCode !== ErrorCode.NONE) return { ok: false, error: itemError(resourceLabel(key), result.errorCode, result.errorMessage) };
    return { ok: true, value: { ...key, entries: result.configs.map(configEntry) } };
  });
  return valuesOrThrow('describeConfigs', keys, outcomes, resourceLabel);
}

/** Incremental: each given key is set (string) or removed (null); the others keep their value. */
export async function alterConfigs(context: AdminContext, alterations: readonly ConfigAlteration[], input: AlterConfigsOptions | undefined): Promise<void> {
  const options = context.options('alterConfigs', { validateOnly: { kind: 'bool', default: false } }, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  const types = wireTypes('alterConfigs', alterations);
  if (alterations.length === 0) return;
  const request = controller.AlterConfigsRequest.fromPartial({
    resources: alterations.map((alteration, index) => ({ resourceType: types[index], resourceName: alteration.name, configs: configChanges(alteration.configs ?? {}) })),
    validateOnly: options.validateOnly,
  });
  const response = await context.controller((client, timeoutMs) => unary(client, client.alterConfigs, request, timeoutMs), deadlineMs);
  const keys = alterations.map(resourceKey);
  const outcomes = inRequestOrder(keys, response.results).map((result, index): Outcome<undefined> => {
    const key = keys[index] as ResourceKey;
    if (!result) return noAnswer(key);
    return result.errorCode === ErrorCode.NONE ? { ok: true, value: undefined } : { ok: false, error: itemError(resourceLabel(key), result.errorCode, result.errorMessage) };
  });
  valuesOrThrow('alterConfigs', keys, outcomes, resourceLabel);
}
