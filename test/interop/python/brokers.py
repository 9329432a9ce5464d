"""How the FastStream peer connects, subscribes and publishes on each broker: the way a FastStream
service meeting nestream's defaults on that broker would (see docs/faststream.md)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Peer:
    broker: Any
    #: (topic, name) -> a decorator subscribing a handler to the topic
    subscriber: Callable[[str, str], Callable[[Callable[..., Any]], Any]]
    #: (body, topic, correlation_id, headers) -> publish
    publish: Callable[[Any, str, str, dict[str, str] | None], Awaitable[Any]]
    #: (body, topic, correlation_id, timeout s) -> the reply message; None where FastStream has no request (Kafka)
    request: Callable[[Any, str, str, float], Awaitable[Any]] | None = None


def kafka(url: str, prefix: str) -> Peer:
    from faststream.kafka import KafkaBroker

    broker = KafkaBroker(url, logger=None)
    return Peer(
        broker,
        # nestream's groups are Kafka consumer groups; "earliest", as the topics are new.
        lambda topic, name: broker.subscriber(topic, group_id=f"{prefix}.py.{name}", auto_offset_reset="earliest"),
        lambda body, topic, cid, headers: broker.publish(body, topic, correlation_id=cid, headers=headers),
    )


def nats(url: str, prefix: str) -> Peer:
    from faststream.nats import NatsBroker

    broker = NatsBroker(url, logger=None)
    return Peer(
        broker,
        lambda topic, name: broker.subscriber(topic),
        lambda body, topic, cid, headers: broker.publish(body, topic, correlation_id=cid, headers=headers),
        lambda body, topic, cid, timeout: broker.request(body, topic, correlation_id=cid, timeout=timeout),
    )


def jetstream(url: str, prefix: str) -> Peer:
    from faststream.nats import JStream, NatsBroker

    broker = NatsBroker(url, logger=None)
    # One stream for the run's subjects; FastStream declares it at start, and nestream finds it.
    stream = JStream(prefix.replace(".", "_"), subjects=[f"{prefix}.>"])
    return Peer(
        broker,
        lambda topic, name: broker.subscriber(topic, stream=stream, durable=f"py_{name}", pull_sub=True),
        lambda body, topic, cid, headers: broker.publish(body, topic, stream=stream.name, correlation_id=cid, headers=headers),
        lambda body, topic, cid, timeout: broker.request(body, topic, stream=stream.name, correlation_id=cid, timeout=timeout),
    )


def rabbitmq(url: str, prefix: str) -> Peer:
    from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue

    broker = RabbitBroker(url, logger=None)
    # nestream publishes to its topic exchange ("nestream", durable) with the topic as routing key.
    exchange = RabbitExchange("nestream", type=ExchangeType.TOPIC, durable=True)
    return Peer(
        broker,
        lambda topic, name: broker.subscriber(RabbitQueue(f"{prefix}.py.{name}", routing_key=topic, auto_delete=True), exchange),
        lambda body, topic, cid, headers: broker.publish(body, exchange=exchange, routing_key=topic, correlation_id=cid, headers=headers, persist=True),
        lambda body, topic, cid, timeout: broker.request(body, exchange=exchange, routing_key=topic, correlation_id=cid, timeout=timeout),
    )


def redis_streams(url: str, prefix: str) -> Peer:
    from faststream.redis import RedisBroker, StreamSub

    broker = RedisBroker(url, logger=None)
    return Peer(
        broker,
        lambda topic, name: broker.subscriber(stream=StreamSub(topic, group=f"{prefix}.py", consumer=name)),
        lambda body, topic, cid, headers: broker.publish(body, stream=topic, correlation_id=cid, headers=headers),
        lambda body, topic, cid, timeout: broker.request(body, stream=topic, correlation_id=cid, timeout=timeout),
    )


def redis_pubsub(url: str, prefix: str) -> Peer:
    from faststream.redis import RedisBroker

    broker = RedisBroker(url, logger=None)
    return Peer(
        broker,
        lambda topic, name: broker.subscriber(channel=topic),
        lambda body, topic, cid, headers: broker.publish(body, channel=topic, correlation_id=cid, headers=headers),
        lambda body, topic, cid, timeout: broker.request(body, channel=topic, correlation_id=cid, timeout=timeout),
    )


PEERS = {
    "kafka": kafka,
    "nats": nats,
    "jetstream": jetstream,
    "rabbitmq": rabbitmq,
    "redis-streams": redis_streams,
    "redis-pubsub": redis_pubsub,
}


def create(name: str, url: str, prefix: str) -> Peer:
    return PEERS[name](url, prefix)
