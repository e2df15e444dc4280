// node libs/client/examples/consume.mjs [bootstrap]   (after produce.mjs)
import { Consumer } from '@samsa/client';

const consumer = new Consumer({ bootstrapServers: [process.argv[2] ?? '127.0.0.1:9092'], keyDeserializer: 'string', valueDeserializer: 'json', autoOffsetReset: 'earliest' });
await consumer.assign([{ topic: 'orders', partition: 0 }]);
const records = await consumer.poll({ timeoutMs: 2000 });
for (const record of records.slice(0, 5)) console.log(record.partition, record.offset, record.key, record.value, record.headers.map((h) => `${h.key}=${h.value}`));
console.log(`${records.length} records from orders-0; position now ${await consumer.position({ topic: 'orders', partition: 0 })}`);
await consumer.close();
