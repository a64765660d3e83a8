#!/usr/bin/env node
// Publish one ImageUploaded event to Lookalike, by URL or with the image bytes inline.
//
//   node produce.js cat-1 --url http://127.0.0.1:8080/v1/images/sample-03/thumbnail
//   node produce.js cat-2 --file cat.jpg --tag pets --attribute album=holidays
//
// The record is keyed by the image id (a plain UTF-8 string) and its value is Avro in the
// Confluent wire format, written with the schema the registry holds under images.uploaded-value.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

const TOPIC = 'images.uploaded';
const SUBJECT = `${TOPIC}-value`; // Confluent's default TopicNameStrategy, as the service uses
const CONTENT_TYPES = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif',
  '.bmp': 'image/bmp', '.webp': 'image/webp', '.tif': 'image/tiff', '.tiff': 'image/tiff',
};
const USAGE = `usage: node produce.js IMAGE_ID (--url URL | --file PATH) [--tenant NAME] [--tag TAG]...
                       [--attribute KEY=VALUE]... [--bootstrap-servers HOST:PORT] [--registry-url URL]`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        file: { type: 'string' },
        tenant: { type: 'string', default: 'default' },
        tag: { type: 'string', multiple: true, default: [] },
        attribute: { type: 'string', multiple: true, default: [] },
        'bootstrap-servers': { type: 'string', default: '127.0.0.1:9092' },
        'registry-url': { type: 'string', default: 'http://127.0.0.1:8081/apis/ccompat/v7' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) { console.log(USAGE); process.exit(0); }
  if (positionals.length !== 1 || !values.url === !values.file) {
    console.error(USAGE);
    process.exit(2);
  }
  return { imageId: positionals[0], ...values };
}

async function main() {
  const opts = options();
  const source = opts.url
    ? { url: opts.url, data: null, contentType: null }
    : { url: null, data: fs.readFileSync(opts.file), contentType: CONTENT_TYPES[path.extname(opts.file).toLowerCase()] ?? null };
  const event = {
    imageId: opts.imageId,
    tenant: opts.tenant,
    source,
    tags: opts.tag,
    attributes: Object.fromEntries(opts.attribute.map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? [a, ''] : [a.slice(0, i), a.slice(i + 1)];
    })),
    uploadedAt: Date.now(), // timestamp-millis: a plain number of milliseconds
  };

  // Write with the schema registered under the subject (the service registers ImageUploaded.avsc as
  // it is): the script needs no copy of the repo's .avsc, and can never add a version of its own.
  const registry = new SchemaRegistry({ host: opts['registry-url'] });
  let schemaId;
  try {
    schemaId = await registry.getLatestSchemaId(SUBJECT);
  } catch (e) {
    throw new Error(`no schema under ${SUBJECT} at ${opts['registry-url']} (${e.message}): is that the registry's`
      + " Confluent API (./lookalike dev: http://127.0.0.1:8081/apis/ccompat/v7)? A registry no producer has used yet"
      + ' has none: register avro/src/main/avro/events/ImageUploaded.avsc first (see README.md)');
  }
  const value = await registry.encode(schemaId, event);

  const kafka = new Kafka({ clientId: 'lookalike-example-node', brokers: [opts['bootstrap-servers']], logLevel: logLevel.WARN });
  // Java's partitioner (murmur2 of the key), as the service's own producer; idempotent implies acks=all.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: opts.imageId, value }] });
    console.log(`sent ${opts.imageId} to ${meta.topicName} partition ${meta.partition} offset ${meta.baseOffset}`
      + ` (${value.length} bytes, schema id ${schemaId})`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((e) => {
  console.error(`failed: ${e.message}`);
  process.exit(1);
});
