#!/usr/bin/python3
"""Publish one ImageUploaded event to Lookalike, by URL or with the image bytes inline.

    ./produce.py cat-1 --url http://127.0.0.1:8080/v1/images/sample-03/thumbnail
    ./produce.py cat-2 --file cat.jpg --tag pets --attribute album=holidays

The record is keyed by the image id (a plain UTF-8 string) and its value is Avro in the
Confluent wire format, written with the schema the registry holds under
images.uploaded-value. Uses only Debian packages: python3-confluent-kafka, python3-avro.
"""
import argparse
import datetime
import mimetypes
import sys

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

TOPIC = "images.uploaded"
SUBJECT = TOPIC + "-value"  # Confluent's default TopicNameStrategy, as the service uses


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("image_id", help="the image id: also the record key; unique across tenants")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--url", help="an http(s) URL the service fetches")
    source.add_argument("--file", help="a local image file, sent inline (up to image.max.bytes, 16 MiB)")
    p.add_argument("--tenant", default="default", help="images are compared within one tenant (default: %(default)s)")
    p.add_argument("--tag", action="append", default=[], help="a tag; repeatable")
    p.add_argument("--attribute", action="append", default=[], metavar="KEY=VALUE", help="an attribute; repeatable")
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092", help="Kafka (default: %(default)s)")
    p.add_argument("--registry-url", default="http://127.0.0.1:8081/apis/ccompat/v7",
                   help="Confluent-compatible schema registry (default: %(default)s)")
    return p.parse_args()


def main():
    args = parse_args()
    attributes = dict(a.partition("=")[::2] for a in args.attribute)

    if args.url:
        source = {"url": args.url, "data": None, "contentType": None}
    else:
        with open(args.file, "rb") as f:
            data = f.read()
        source = {"url": None, "data": data, "contentType": mimetypes.guess_type(args.file)[0]}

    # python3-avro writes every field (it fills in no defaults) and wants a datetime for timestamp-millis.
    event = {
        "imageId": args.image_id,
        "tenant": args.tenant,
        "source": source,
        "tags": args.tag,
        "attributes": attributes,
        "uploadedAt": datetime.datetime.now(datetime.timezone.utc),
    }

    # Write with the schema registered under the subject (the service registers ImageUploaded.avsc as
    # it is): the script needs no copy of the repo's .avsc, and can never add a version of its own.
    registry = CachedSchemaRegistryClient({"url": args.registry_url})
    schema_id, schema, version = registry.get_latest_schema(SUBJECT)
    if schema_id is None:
        sys.exit(f"no schema under {SUBJECT} at {args.registry_url}: is that the registry's Confluent API"
                 f" (./lookalike dev: http://127.0.0.1:8081/apis/ccompat/v7)? A registry no producer has used yet"
                 f" has none: register avro/src/main/avro/events/ImageUploaded.avsc first (see README.md)")
    value = MessageSerializer(registry).encode_record_with_schema_id(schema_id, event)

    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        "enable.idempotence": True,  # implies acks=all, as the service's own producer
        "partitioner": "murmur2_random",  # Java's partitioner: Java, Python and Node producers agree on an id's partition
        "message.timeout.ms": 20000,  # give up (and say why) before the flush below does
        "message.max.bytes": 17825792,  # inline images up to 16 MiB, as the topic allows (image.max.bytes + 1 MiB)
    })

    errors = []

    def delivered(err, msg):
        if err is not None:
            errors.append(err)
            return
        print(f"sent {msg.key().decode()} to {msg.topic()} partition {msg.partition()} offset {msg.offset()}"
              f" ({len(value)} bytes, schema id {schema_id}, {SUBJECT} version {version})")

    producer.produce(TOPIC, key=args.image_id.encode("utf-8"), value=value, on_delivery=delivered)
    if producer.flush(30) > 0:
        sys.exit(f"timed out sending {args.image_id} to {args.bootstrap_servers}")
    if errors:
        sys.exit(f"failed to send {args.image_id}: {errors[0]}")


if __name__ == "__main__":
    main()
