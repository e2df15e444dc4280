/**
 * DescribeConfigs (a query: no records) and AlterConfigs (incremental SET/DELETE, Kafka's
 * IncrementalAlterConfigs). Only TOPIC resources exist; UNSPECIFIED gets INVALID_REQUEST.
 *
 * AlterConfigs judges each resource as a whole: every key is checked and the resulting
 * configuration is checked (min.insync.replicas ≤ replication factor) before anything is written,
 * so a resource changes entirely or not at all. Keys fixed on internal topics (cleanup.policy)
 * are refused. Only keys whose effective stored value changes are written; a resource whose
 * change is a no-op succeeds without a record.
 */
import type { ConfigEntry } from '@samsa/proto';
import { ErrorCode, controller } from '@samsa/proto';
import { type MetadataImage, type TopicView, INTERNAL_TOPIC_FIXED_KEYS, TOPIC_CONFIG_DEFS, checkConfigEntry, checkTopicConfig } from '@samsa/cluster-metadata';
import { type CommandContext, type ControllerResult, checkContext, duplicatedKeys, metadataRecord } from './command.js';
import { itemError, type ItemError } from './topic-creation.js';

const TOPIC = controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC;

function resolveResource(image: MetadataImage, type: controller.ConfigResourceType, name: string, duplicated: boolean): TopicView | ItemError {
  if (type !== TOPIC) return itemError(ErrorCode.INVALID_REQUEST, `unsupported resource type ${type}`);
  if (duplicated) return itemError(ErrorCode.DUPLICATE_RESOURCE, `resource ${name} is listed more than once`);
  return image.topic(name) ?? itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
}

function isTopic(value: TopicView | ItemError): value is TopicView {
  return 'topicId' in value;
}

export function describeConfigs(image: MetadataImage, request: controller.DescribeConfigsRequest): controller.DescribeConfigsResponse {
  const duplicated = duplicatedKeys(request.resources.map((resource) => `${resource.resourceType}/${resource.resourceName}`));
  const results = request.resources.map((resource): controller.DescribeConfigsResult => {
    const { resourceType, resourceName } = resource;
    const topic = resolveResource(image, resourceType, resourceName, duplicated.has(`${resourceType}/${resourceName}`));
    if (!isTopic(topic)) return { resourceType, resourceName, ...topic, configs: [] };
    const unknown = resource.configNames.find((name) => !TOPIC_CONFIG_DEFS.has(name));
    if (unknown !== undefined) {
      return { resourceType, resourceName, ...itemError(ErrorCode.INVALID_CONFIG, `unknown topic config key "${unknown}"`), configs: [] };
    }
    const names = resource.configNames.length > 0 ? [...new Set(resource.configNames)].sort() : [...TOPIC_CONFIG_DEFS.keys()].sort();
    const configs = names.map((name): controller.DescribedConfig => {
      const def = TOPIC_CONFIG_DEFS.get(name);
      const explicit = topic.configs.get(name);
      return {
        name,
        value: explicit ?? def?.defaultValue ?? '',
        source: explicit === undefined ? controller.ConfigSource.CONFIG_SOURCE_DEFAULT : controller.ConfigSource.CONFIG_SOURCE_RESOURCE,
        documentation: request.includeDocumentation ? (def?.documentation ?? '') : '',
      };
    });
    return { resourceType, resourceName, errorCode: ErrorCode.NONE, errorMessage: '', configs };
  });
  return { results };
}

/** The keys of one resource that actually change, or why the change is refused. */
function planConfigChange(topic: TopicView, entries: readonly ConfigEntry[], context: CommandContext): ConfigEntry[] | ItemError {
  const invalid = (message: string): ItemError => itemError(ErrorCode.INVALID_CONFIG, message);
  const result = new Map(topic.configs);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) return invalid(`config key ${entry.name} is given twice`);
    seen.add(entry.name);
    if (!TOPIC_CONFIG_DEFS.has(entry.name)) return invalid(`unknown topic config key "${entry.name}"`);
    if (topic.internal && INTERNAL_TOPIC_FIXED_KEYS.has(entry.name)) return invalid(`${entry.name} is fixed on internal topic ${topic.name}`);
    if (entry.value === undefined) {
      result.delete(entry.name);
      continue;
    }
    const checked = checkConfigEntry(entry.name, entry.value, context.config);
    if ('problem' in checked) return invalid(checked.problem);
    result.set(entry.name, checked.value);
  }
  const problem = checkTopicConfig(result, topic.partitions[0]?.replicas.length ?? 1);
  if (problem !== undefined) return invalid(problem);
  return [...seen]
    .filter((name) => result.get(name) !== topic.configs.get(name))
    .sort()
    .map((name) => ({ name, value: result.get(name) }));
}

export function alterConfigs(
  image: MetadataImage,
  request: controller.AlterConfigsRequest,
  context: CommandContext,
): ControllerResult<controller.AlterConfigsResponse> {
  checkContext(image, context);
  const duplicated = duplicatedKeys(request.resources.map((resource) => `${resource.resourceType}/${resource.resourceName}`));
  const records: controller.MetadataRecord[] = [];
  const results = request.resources.map((resource): controller.AlterConfigsResult => {
    const { resourceType, resourceName } = resource;
    const topic = resolveResource(image, resourceType, resourceName, duplicated.has(`${resourceType}/${resourceName}`));
    if (!isTopic(topic)) return { resourceType, resourceName, ...topic };
    const changes = planConfigChange(topic, resource.configs, context);
    if (!Array.isArray(changes)) return { resourceType, resourceName, ...changes };
    if (!request.validateOnly && changes.length > 0) {
      records.push(metadataRecord({ $case: 'configChanged', configChanged: { resourceType, resourceName, configs: changes } }));
    }
    return { resourceType, resourceName, errorCode: ErrorCode.NONE, errorMessage: '' };
  });
  return { response: { results }, records };
}
