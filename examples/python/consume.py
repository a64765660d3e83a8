#!/usr/bin/python3
"""Print Lookalike's NearDuplicateDetected and DeadLetter events as they arrive.

    ./consume.py                      # new events only; Ctrl-C stops
    ./consume.py --from-beginning     # every event the topics still hold
    ./consume.py --recommendations    # also images.recommendations

Values are Avro in the Confluent wire format; each is decoded with the writer schema its
schema id names in the registry. Uses only Debian packages: python3-confluent-kafka, python3-avro.
"""
import argparse
import os
import sys

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

NEAR_DUPLICATES = "images.near-duplicates"
DEAD_LETTER = "images.dead-letter"
RECOMMENDATIONS = "images.recommendations"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from-beginning", action="store_true", help="read the topics from their start")
    p.add_argument("--recommendations", action="store_true", help="also print Recommendations")
    p.add_argument("--max-events", type=int, default=0, help="stop after this many events (default: run until Ctrl-C)")
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092", help="Kafka (default: %(default)s)")
    p.add_argument("--registry-url", default="http://127.0.0.1:8081/apis/ccompat/v7",
                   help="Confluent-compatible schema registry (default: %(default)s)")
    return p.parse_args()


def when(ts):
    return ts.isoformat(timespec="milliseconds")  # python3-avro decodes timestamp-millis to a UTC datetime


def describe(topic, key, event):
    if event is None and topic != RECOMMENDATIONS:
        return f"{topic}: {key} (no value)"
    if topic == NEAR_DUPLICATES:
        return (f"{event['kind']:<5} {event['imageId']} duplicates {event['duplicateOf']}"
                f"  similarity={event['similarity']:.4f} vector={event['vectorName']}"
                f" tenant={event['tenant']} at {when(event['detectedAt'])}")
    if topic == DEAD_LETTER:
        original = event["originalValue"]
        kept = f"{len(original)} bytes" if original is not None else "not kept"
        return (f"DEAD  {event['key']} {event['errorCode']} (retriable={event['retriable']}): {event['message']}"
                f"  [from {event['sourceTopic']}/{event['sourcePartition']}@{event['sourceOffset']},"
                f" original {kept}, at {when(event['failedAt'])}]")
    if event is None:
        return f"RECS  {key} deleted"
    items = ", ".join(f"{i['imageId']} {i['score']:.3f}" for i in event["items"]) or "nothing similar yet"
    return f"RECS  {event['imageId']}: {items}"


def main():
    args = parse_args()
    topics = [NEAR_DUPLICATES, DEAD_LETTER] + ([RECOMMENDATIONS] if args.recommendations else [])
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry_url}))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        # A group of its own per run, committing nothing: every run sees what --from-beginning asks for.
        "group.id": f"lookalike-example-python-{os.getpid()}",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
    })

    def assigned(_consumer, partitions):
        print(f"listening on {', '.join(sorted({p.topic for p in partitions}))} ({len(partitions)} partitions)",
              flush=True)

    consumer.subscribe(topics, on_assign=assigned)
    seen = 0
    try:
        while not args.max_events or seen < args.max_events:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    print(f"error: {msg.error()}", file=sys.stderr)
                continue
            key = msg.key().decode("utf-8") if msg.key() is not None else None
            try:
                event = serializer.decode_message(msg.value())
            except Exception as e:  # a record this script cannot decode: say so and go on
                print(f"cannot decode {msg.topic()}/{msg.partition()}@{msg.offset()}: {e}", file=sys.stderr)
                continue
            print(describe(msg.topic(), key, event), flush=True)
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
