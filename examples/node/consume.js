#!/usr/bin/env node
// Print Lookalike's NearDuplicateDetected and DeadLetter events as they arrive.
//
//   node consume.js                      # new events only; Ctrl-C stops
//   node consume.js --from-beginning     # every event the topics still hold
//   node consume.js --recommendations    # also images.recommendations
//
// Values are Avro in the Confluent wire format; each is decoded with the writer schema its
// schema id names in the registry.
'use strict';

const { parseArgs } = require('node:util');
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

const NEAR_DUPLICATES = 'images.near-duplicates';
const DEAD_LETTER = 'images.dead-letter';
const RECOMMENDATIONS = 'images.recommendations';

const USAGE = `usage: node consume.js [--from-beginning] [--recommendations] [--max-events N]
                       [--bootstrap-servers HOST:PORT] [--registry-url URL]`;

function options() {
  try {
    const { values } = parseArgs({
      options: {
        'from-beginning': { type: 'boolean', default: false },
        recommendations: { type: 'boolean', default: false },
        'max-events': { type: 'string', default: '0' }, // 0: run until Ctrl-C
        'bootstrap-servers': { type: 'string', default: '127.0.0.1:9092' },
        'registry-url': { type: 'string', default: 'http://127.0.0.1:8081/apis/ccompat/v7' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) { console.log(USAGE); process.exit(0); }
    return values;
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
const maxEvents = Number(opts['max-events']);

const when = (millis) => new Date(millis).toISOString(); // timestamp-millis decodes to a number

function describe(topic, key, event) {
  if (event === null && topic !== RECOMMENDATIONS) return `${topic}: ${key} (no value)`;
  if (topic === NEAR_DUPLICATES) {
    return `${event.kind.padEnd(5)} ${event.imageId} duplicates ${event.duplicateOf}`
      + `  similarity=${event.similarity.toFixed(4)} vector=${event.vectorName}`
      + ` tenant=${event.tenant} at ${when(event.detectedAt)}`;
  }
  if (topic === DEAD_LETTER) {
    const original = event.originalValue ? `${event.originalValue.length} bytes` : 'not kept';
    return `DEAD  ${event.key} ${event.errorCode} (retriable=${event.retriable}): ${event.message}`
      + `  [from ${event.sourceTopic}/${event.sourcePartition}@${event.sourceOffset}, original ${original},`
      + ` at ${when(event.failedAt)}]`;
  }
  if (event === null) return `RECS  ${key} deleted`; // a tombstone: the image was deleted
  const items = event.items.map((i) => `${i.imageId} ${i.score.toFixed(3)}`).join(', ') || 'nothing similar yet';
  return `RECS  ${event.imageId}: ${items}`;
}

async function main() {
  const topics = [NEAR_DUPLICATES, DEAD_LETTER, ...(opts.recommendations ? [RECOMMENDATIONS] : [])];
  const registry = new SchemaRegistry({ host: opts['registry-url'] });
  const kafka = new Kafka({ clientId: 'lookalike-example-node', brokers: [opts['bootstrap-servers']], logLevel: logLevel.WARN });
  // A group of its own per run, committing nothing: every run sees what --from-beginning asks for.
  const consumer = kafka.consumer({ groupId: `lookalike-example-node-${process.pid}` });

  let seen = 0;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
  };
  const stopSoon = () => {
    if (stopping) return;
    stopping = true; // the rest of the batch is skipped
    setImmediate(() => consumer.disconnect()); // not awaited in the handler: disconnect waits for it
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = Object.entries(payload.memberAssignment);
    const partitions = assigned.reduce((n, [, ps]) => n + ps.length, 0);
    console.log(`listening on ${assigned.map(([t]) => t).sort().join(', ')} (${partitions} partitions)`);
  });

  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: opts['from-beginning'] });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      if (stopping) return;
      const key = message.key === null ? null : message.key.toString('utf8');
      let event = null;
      if (message.value !== null) {
        try {
          event = await registry.decode(message.value);
        } catch (e) { // a record this script cannot decode: say so and go on
          console.error(`cannot decode ${topic}/${partition}@${message.offset}: ${e.message}`);
          return;
        }
      }
      console.log(describe(topic, key, event));
      seen += 1;
      if (maxEvents && seen >= maxEvents) stopSoon();
    },
  });
}

main().catch((e) => {
  console.error(`failed: ${e.message}`);
  process.exit(1);
});
