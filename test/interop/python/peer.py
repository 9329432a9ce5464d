"""A FastStream 0.7 service the interop tests drive: `python peer.py <broker> <prefix> <url>`.

It subscribes to `<prefix>.to-py.{model,str,bytes}` and `<prefix>.bridge.out` with typed FastStream
handlers, and prints one JSON line per message it receives (what FastStream decoded, plus the
correlation id, content type and headers it saw). It reads JSON commands on stdin, one per line,
and answers each on stdout with its `id`:

    {"id": 1, "op": "publish", "topic": "...", "kind": "model" | "str" | "bytes",
     "value": <object> | <text> | <base64>, "correlation_id": "...", "headers": {...}?}
    {"id": 2, "op": "request", "topic": "...", "value": <object>, "correlation_id": "..."}
       -> {"reply": <decoded reply>, "correlation_id": "..."} (FastStream's broker.request)

It also answers requests on `<prefix>.rpc.py` (a subscriber whose return value FastStream sends
to the request's reply address) with a Quote.

Each broker's specifics (connection, subscription, publish) are in brokers.py; this file is the
same for all. New operations (request/reply: a "request" op, and a replying subscriber) plug
into OPS and subscribe_all below.
"""

import asyncio
import base64
import json
import sys
from typing import Any

from faststream import Context
from pydantic import BaseModel

import brokers


class OrderPlaced(BaseModel):
    orderId: str
    amount: float
    note: str


class Quote(BaseModel):
    orderId: str
    price: float


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def received(topic: str, kind: str, value: Any, message: Any) -> None:
    emit({
        "event": "received",
        "topic": topic,
        "kind": kind,
        "value": value,
        "correlation_id": message.correlation_id,
        "message_id": message.message_id,
        "content_type": message.content_type,
        "headers": {k: v if isinstance(v, str) else repr(v) for k, v in message.headers.items()},
    })


def subscribe_all(peer: "brokers.Peer", prefix: str) -> None:
    """One typed handler per kind of payload: FastStream validates and decodes as a user's service would."""
    model_topic, str_topic, bytes_topic, bridge_topic = (
        f"{prefix}.to-py.model", f"{prefix}.to-py.str", f"{prefix}.to-py.bytes", f"{prefix}.bridge.out")

    @peer.subscriber(model_topic, "model")
    async def on_model(body: OrderPlaced, message=Context("message")) -> None:
        received(model_topic, "model", body.model_dump(), message)

    @peer.subscriber(str_topic, "str")
    async def on_str(body: str, message=Context("message")) -> None:
        received(str_topic, "str", body, message)

    @peer.subscriber(bytes_topic, "bytes")
    async def on_bytes(body: bytes, message=Context("message")) -> None:
        received(bytes_topic, "bytes", base64.b64encode(body).decode(), message)

    @peer.subscriber(bridge_topic, "bridge")
    async def on_bridged(body: OrderPlaced, message=Context("message")) -> None:
        received(bridge_topic, "model", body.model_dump(), message)

    if peer.request is not None:
        rpc_topic = f"{prefix}.rpc.py"

        @peer.subscriber(rpc_topic, "rpc")
        async def on_request(body: OrderPlaced, message=Context("message")) -> Quote:
            received(rpc_topic, "model", body.model_dump(), message)
            return Quote(orderId=body.orderId, price=body.amount * 2)


async def publish(peer: "brokers.Peer", command: dict[str, Any]) -> dict[str, Any]:
    kind, value = command["kind"], command["value"]
    body: Any = OrderPlaced(**value) if kind == "model" else base64.b64decode(value) if kind == "bytes" else value
    await peer.publish(body, command["topic"], command["correlation_id"], command.get("headers"))
    return {}


async def request(peer: "brokers.Peer", command: dict[str, Any]) -> dict[str, Any]:
    if peer.request is None:
        raise RuntimeError("FastStream has no request/reply on this broker")
    reply = await peer.request(OrderPlaced(**command["value"]), command["topic"], command["correlation_id"], command.get("timeout", 5.0))
    return {"reply": await reply.decode(), "correlation_id": reply.correlation_id}


OPS = {"publish": publish, "request": request}


async def main() -> None:
    broker_name, prefix, url = sys.argv[1:4]
    peer = brokers.create(broker_name, url, prefix)
    subscribe_all(peer, prefix)
    await peer.broker.start()
    emit({"event": "ready"})
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            command = json.loads(line)
            try:
                emit({"event": "done", "id": command["id"], **await OPS[command["op"]](peer, command)})
            except Exception as error:  # reported to the test, which fails with it
                emit({"event": "done", "id": command["id"], "error": f"{type(error).__name__}: {error}"})
    finally:
        await peer.broker.stop()


if __name__ == "__main__":
    asyncio.run(main())
