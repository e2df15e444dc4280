// node libs/client/examples/admin.mjs [bootstrap]   (after `npm start` in another terminal)
import { Admin } from '@samsa/client';

const admin = new Admin({ bootstrapServers: [process.argv[2] ?? '127.0.0.1:9092'] });
const [exists] = await admin.describeTopics(['orders']).catch(() => [undefined]);
if (!exists) await admin.createTopics([{ topic: 'orders', numPartitions: 6, replicationFactor: 1, configs: { 'retention.ms': '86400000' } }]);
const [orders] = await admin.describeTopics(['orders']);
console.log(`orders: ${orders.partitions.length} partitions, leaders ${orders.partitions.map((p) => p.leaderId).join(',')}`);
console.log(await admin.listOffsets([{ topic: 'orders', partition: 0, spec: 'latest' }]));
await admin.alterConfigs([{ type: 'topic', name: 'orders', configs: { 'retention.ms': '3600000' } }]);
await admin.close();
