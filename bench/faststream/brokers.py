"""FastStream 0.7 on each broker, set up as its docs show, with the settings the other
implementations get: consumer concurrency / prefetch of `concurrency`, publishes awaited on the
broker's confirmation where FastStream waits for one (JetStream PubAck, RabbitMQ publisher
confirms, Kafka acks, Redis replies; core NATS publishes are buffered like nest's), the topic,
queue or stream new per run and deleted afterwards."""
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from flow import PUBLISHES
from order import OrderCreated

KAFKA_PARTITIONS = 3            # bench/scenarios/cleanup.ts
QUEUE_EXPIRES_MS = 60_000
STREAM_MAX_AGE_S = 600
# redis-py sends one command per pooled connection (no pipelining of concurrent commands), so
# 1,000 outstanding publishes need that many connections, plus the subscriber's.
REDIS_CONNECTIONS = PUBLISHES + 64


@dataclass
class Peer:
    broker: Any
    publish: Callable[[dict], Awaitable[Any]]
    cleanup: Callable[[], Awaitable[None]]


def build(spec: dict, endpoints: dict, on_event: Callable[[OrderCreated], None]) -> Peer:
    kind, topic, group, concurrency = spec["broker"], spec["topic"], spec["group"], spec["concurrency"]
    builders = {"nats": _nats, "jetstream": _jetstream, "rabbitmq": _rabbitmq, "redis-streams": _redis_streams, "redis-pubsub": _redis_pubsub, "kafka": _kafka}
    if kind not in builders:
        raise ValueError(f"FastStream has no {kind} transport here")
    return builders[kind](topic, group, concurrency, endpoints, on_event)


def _nats(topic, group, concurrency, endpoints, on_event):
    from faststream.nats import NatsBroker

    broker = NatsBroker(endpoints["nats"], logger=None)

    @broker.subscriber(topic, queue=group, max_workers=concurrency)
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        return None

    return Peer(broker, lambda event: broker.publish(event, topic), cleanup)


def _jetstream(topic, group, concurrency, endpoints, on_event):
    from faststream.nats import JStream, NatsBroker, PullSub

    broker = NatsBroker(endpoints["nats"], logger=None)
    stream = JStream(topic.replace(".", "_"), subjects=[topic], max_age=STREAM_MAX_AGE_S)

    @broker.subscriber(topic, stream=stream, durable=group.replace(".", "_"), pull_sub=PullSub(batch_size=concurrency), max_workers=concurrency)
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        import nats

        nc = await nats.connect(endpoints["nats"])
        try:
            await nc.jetstream().delete_stream(stream.name)
        finally:
            await nc.close()

    return Peer(broker, lambda event: broker.publish(event, topic, stream=stream.name), cleanup)


def _rabbitmq(topic, group, concurrency, endpoints, on_event):
    from faststream.rabbit import Channel, RabbitBroker, RabbitQueue

    broker = RabbitBroker(endpoints["amqp"], logger=None)
    queue = RabbitQueue(f"{group}.{topic}", durable=True, arguments={"x-expires": QUEUE_EXPIRES_MS})

    @broker.subscriber(queue, channel=Channel(prefetch_count=concurrency))
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        return None     # the queue expires (x-expires) once unused

    return Peer(broker, lambda event: broker.publish(event, queue=queue, persist=True), cleanup)


def _redis_streams(topic, group, concurrency, endpoints, on_event):
    from faststream.redis import RedisBroker, StreamSub

    broker = RedisBroker(endpoints["redis"], logger=None, max_connections=REDIS_CONNECTIONS)

    @broker.subscriber(stream=StreamSub(topic, group=group, consumer="bench", max_records=concurrency), max_workers=concurrency)
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        from redis.asyncio import Redis

        client = Redis.from_url(endpoints["redis"])
        try:
            await client.delete(topic)
        finally:
            await client.aclose()

    return Peer(broker, lambda event: broker.publish(event, stream=topic), cleanup)


def _redis_pubsub(topic, group, concurrency, endpoints, on_event):
    from faststream.redis import RedisBroker

    broker = RedisBroker(endpoints["redis"], logger=None, max_connections=REDIS_CONNECTIONS)

    @broker.subscriber(channel=topic, max_workers=concurrency)
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        return None

    return Peer(broker, lambda event: broker.publish(event, channel=topic), cleanup)


def _kafka(topic, group, concurrency, endpoints, on_event):
    from faststream.kafka import KafkaBroker

    broker = KafkaBroker(endpoints["kafka"], logger=None)

    @broker.subscriber(topic, group_id=group, auto_offset_reset="earliest", max_workers=concurrency)
    async def handle(event: OrderCreated) -> None:
        on_event(event)

    async def cleanup() -> None:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=endpoints["kafka"])
        await admin.start()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()

    return Peer(broker, lambda event: broker.publish(event, topic), cleanup)


async def create_kafka_topic(endpoints: dict, topic: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=endpoints["kafka"])
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=KAFKA_PARTITIONS, replication_factor=1)])
    finally:
        await admin.close()
