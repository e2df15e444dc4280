// node libs/client/examples/produce.mjs [bootstrap]   (after admin.mjs created the topic)
import { Producer } from '@samsa/client';

const producer = new Producer({ bootstrapServers: [process.argv[2] ?? '127.0.0.1:9092'], keySerializer: 'string', valueSerializer: 'json', compressionType: 'lz4' });
const { partition, offset } = await producer.send({ topic: 'orders', key: 'customer-42', value: { total: 99.5 }, headers: { source: 'web' } });
console.log(`stored at orders-${partition}@${offset}`);
const many = await producer.sendBatch(Array.from({ length: 1000 }, (_, i) => ({ topic: 'orders', key: `customer-${i % 10}`, value: { line: i } })));
console.log(`and ${many.length} more, the last at orders-${many.at(-1).partition}@${many.at(-1).offset}`);
// Kafka's callback form: no promise per record; each callback gets (error, metadata).
await new Promise((resolve, reject) => {
  let unacknowledged = 100;
  for (let i = 0; i < 100; i++) {
    producer.send({ topic: 'orders', key: `customer-${i % 10}`, value: { refund: i } }, (error) => (error ? reject(error) : --unacknowledged === 0 && resolve()));
  }
});
console.log('and 100 refunds, each acknowledged through its callback');
await producer.close();
