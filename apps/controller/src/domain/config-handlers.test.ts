import { ErrorCode, controller, type ConfigEntry } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { alterConfigs, describeConfigs } from './config-handlers.js';
import { ensureInternalTopics } from './internal-topics.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';

const TOPIC = controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC;
const { CONFIG_SOURCE_DEFAULT: DEFAULT, CONFIG_SOURCE_RESOURCE: RESOURCE } = controller.ConfigSource;

function alter(resources: { name: string; configs: ConfigEntry[]; type?: controller.ConfigResourceType }[], validateOnly = false): controller.AlterConfigsRequest {
  return controller.AlterConfigsRequest.fromPartial({
    resources: resources.map((resource) => ({ resourceType: resource.type ?? TOPIC, resourceName: resource.name, configs: resource.configs })),
    validateOnly,
  });
}

function describeRequest(name: string, configNames: string[] = [], includeDocumentation = false): controller.DescribeConfigsRequest {
  return controller.DescribeConfigsRequest.fromPartial({ resources: [{ resourceType: TOPIC, resourceName: name, configNames }], includeDocumentation });
}

function setup(): ControllerTestContext {
  const ctx = new ControllerTestContext();
  ctx.addBrokers(['a', 'b']);
  ctx.createTopic('t', 1, 2, [{ name: 'retention.ms', value: '1000' }]);
  return ctx;
}

describe('describeConfigs', () => {
  it('returns every key sorted, with the effective value and where it comes from', () => {
    const ctx = setup();
    const [result] = describeConfigs(ctx.image, describeRequest('t')).results;
    expect(result?.errorCode).toBe(ErrorCode.NONE);
    const names = result?.configs.map((config) => config.name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(10);
    expect(result?.configs.find((config) => config.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '1000', source: RESOURCE, documentation: '' });
    expect(result?.configs.find((config) => config.name === 'segment.bytes')).toMatchObject({ value: '1073741824', source: DEFAULT });
  });

  it('returns only the named keys, with documentation on request', () => {
    const ctx = setup();
    const [result] = describeConfigs(ctx.image, describeRequest('t', ['segment.ms', 'cleanup.policy', 'segment.ms'], true)).results;
    expect(result?.configs.map((config) => [config.name, config.value])).toEqual([['cleanup.policy', 'delete'], ['segment.ms', '604800000']]);
    expect(result?.configs.every((config) => config.documentation !== '')).toBe(true);
  });

  it('answers unknown topics, unknown keys, bad resource types and duplicates per resource', () => {
    const ctx = setup();
    const request = controller.DescribeConfigsRequest.fromPartial({
      resources: [
        { resourceType: TOPIC, resourceName: 'missing' },
        { resourceType: TOPIC, resourceName: 't', configNames: ['nope'] },
        { resourceType: controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_UNSPECIFIED, resourceName: 't' },
        { resourceType: TOPIC, resourceName: 'dup' },
        { resourceType: TOPIC, resourceName: 'dup' },
      ],
    });
    expect(describeConfigs(ctx.image, request).results.map((result) => result.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.DUPLICATE_RESOURCE,
    ]);
  });
});

describe('alterConfigs', () => {
  it('sets and removes keys incrementally; other keys keep their value', () => {
    const ctx = setup();
    const result = alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: undefined }, { name: 'segment.ms', value: undefined }] }]), ctx.context());
    expect(result.response.results).toEqual([{ resourceType: TOPIC, resourceName: 't', errorCode: ErrorCode.NONE, errorMessage: '' }]);
    const change = result.records[0]?.payload;
    expect(change?.$case === 'configChanged' && change.configChanged.configs).toEqual([{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: undefined }]);
    ctx.replay(result.records);
    expect([...(ctx.image.topic('t')?.configs ?? [])]).toEqual([['cleanup.policy', 'compact']]);
    ctx.expectReplayConsistent();
  });

  it('changes all keys of a resource or none, and resources independently', () => {
    const ctx = setup();
    ctx.createTopic('u', 1, 1);
    const result = alterConfigs(
      ctx.image,
      alter([
        { name: 't', configs: [{ name: 'retention.ms', value: '5' }, { name: 'segment.ms', value: '0' }] },
        { name: 'u', configs: [{ name: 'retention.ms', value: '5' }] },
      ]),
      ctx.context(),
    );
    expect(result.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.NONE]);
    expect(result.response.results[0]?.errorMessage).toContain('segment.ms');
    ctx.replay(result.records);
    expect(ctx.image.topic('t')?.configs.get('retention.ms')).toBe('1000');
    expect(ctx.image.topic('u')?.configs.get('retention.ms')).toBe('5');
  });

  it('judges the resulting configuration: min.insync.replicas may not exceed the replication factor', () => {
    const ctx = setup();
    const ok = alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'min.insync.replicas', value: '2' }] }]), ctx.context());
    expect(ok.response.results[0]?.errorCode).toBe(ErrorCode.NONE);
    const tooMany = alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'min.insync.replicas', value: '3' }] }]), ctx.context());
    expect(tooMany.response.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: expect.stringContaining('min.insync.replicas') });
  });

  it('refuses unknown keys, keys given twice, unknown topics, duplicates and bad resource types', () => {
    const ctx = setup();
    const result = alterConfigs(
      ctx.image,
      alter([
        { name: 't', configs: [{ name: 'nope', value: '1' }] },
        { name: 'missing', configs: [] },
        { name: 't', configs: [], type: controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_UNSPECIFIED },
      ]),
      ctx.context(),
    );
    expect(result.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST]);
    const twice = alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'segment.ms', value: '1' }, { name: 'segment.ms', value: '2' }] }]), ctx.context());
    expect(twice.response.results[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const dup = alterConfigs(ctx.image, alter([{ name: 't', configs: [] }, { name: 't', configs: [] }]), ctx.context());
    expect(dup.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.DUPLICATE_RESOURCE, ErrorCode.DUPLICATE_RESOURCE]);
    expect([result, twice, dup].flatMap((r) => r.records)).toEqual([]);
  });

  it('keeps cleanup.policy fixed on internal topics but allows other keys', () => {
    const ctx = new ControllerTestContext({ offsetsTopicPartitions: 1, transactionStateTopicPartitions: 1 });
    ctx.addBrokers(['a']);
    ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null);
    const result = alterConfigs(
      ctx.image,
      alter([
        { name: '__consumer_offsets', configs: [{ name: 'cleanup.policy', value: 'delete' }] },
        { name: '__transaction_state', configs: [{ name: 'retention.ms', value: '-1' }] },
      ]),
      ctx.context(),
    );
    expect(result.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.NONE]);
  });

  it('writes nothing for validate_only or a change that changes nothing', () => {
    const ctx = setup();
    expect(alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'retention.ms', value: '7' }] }], true), ctx.context()).records).toEqual([]);
    const same = alterConfigs(ctx.image, alter([{ name: 't', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: undefined }] }]), ctx.context());
    expect(same).toEqual({ response: { results: [expect.objectContaining({ errorCode: ErrorCode.NONE })] }, records: [] });
  });
});
