"""One FastStream measurement in its own process, the Python twin of bench/child.ts +
bench/measure.ts: argv[1] is the same JSON RunSpec (plus `topic`, `group` and `endpoints`);
prints `RESULT <json>` with the same fields; exits non-zero (printing `FAILED ...`) on any
failure, including a lost or (where not allowed) duplicated message. Run by bench/run.mjs with
the python of scripts/faststream.sh."""
import asyncio
import json
import resource
import sys
import time
import traceback

from brokers import build, create_kafka_topic
from flow import PUBLISHES, ReceiptTracker, publish_window
from order import OrderCreated, make_order

STALL_S = 30
PROBE_EVERY_S = 0.1
PROBE_TIMEOUT_S = 90
DUPLICATE_GRACE_S = 0.5


def now_ms() -> float:
    return time.perf_counter() * 1000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


async def start_flowing(peer, tracker: ReceiptTracker) -> None:
    """Starts the broker (and its subscriber), then publishes probes until one gets through."""
    await peer.broker.start()
    deadline = time.monotonic() + PROBE_TIMEOUT_S
    probe = tracker.expected
    while tracker.probes == 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"consumer not receiving after {PROBE_TIMEOUT_S} s")
        await peer.publish(make_order(probe, now_ms()))
        probe += 1
        await asyncio.sleep(PROBE_EVERY_S)


def check_duplicates(tracker: ReceiptTracker, allow: bool) -> None:
    if tracker.duplicates and not allow:
        raise RuntimeError(f"{tracker.duplicates} duplicate deliveries on a broker that should deliver exactly once here")


async def throughput(spec: dict) -> dict:
    n, warmup = spec["n"], spec["warmup"]
    tracker = ReceiptTracker(warmup + n)
    peer = build(spec, spec["endpoints"], lambda event: tracker.record(event.seq))
    try:
        await start_flowing(peer, tracker)
        publish = lambda seq: peer.publish(make_order(seq, now_ms()))  # noqa: E731
        await asyncio.gather(publish_window(tracker, 0, warmup, publish), tracker.wait_distinct(warmup, STALL_S))
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(publish_window(tracker, warmup, warmup + n, publish), tracker.wait_distinct(warmup + n, STALL_S))
        wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        await asyncio.sleep(DUPLICATE_GRACE_S)
        check_duplicates(tracker, spec["allowDuplicates"])
        return {"n": n, "wallMs": wall_s * 1000, "msgsPerSec": n / wall_s, "cpuUsPerMsg": cpu_s * 1e6 / n, "duplicates": tracker.duplicates, "rssMb": rss_mb()}
    finally:
        await stop(peer)


async def latency(spec: dict) -> dict:
    rate, seconds, warmup = spec["rate"], spec["seconds"], spec["warmup"]
    count = round(rate * seconds)
    total = warmup + count
    tracker = ReceiptTracker(total)
    latencies = [0.0] * count

    def on_event(event: OrderCreated) -> None:
        if warmup <= event.seq < total and latencies[event.seq - warmup] == 0:
            latencies[event.seq - warmup] = now_ms() - event.sentAt
        tracker.record(event.seq)

    peer = build(spec, spec["endpoints"], on_event)
    try:
        await start_flowing(peer, tracker)
        publish = lambda seq: peer.publish(make_order(seq, now_ms()))  # noqa: E731
        await asyncio.gather(publish_window(tracker, 0, warmup, publish), tracker.wait_distinct(warmup, STALL_S))
        failures: list[BaseException] = []
        tasks = set()
        # At most PUBLISHES outstanding, as in throughput runs: a peer slower than `rate` would
        # otherwise pile up publishes without bound (on Redis, more than redis-py's pool has
        # connections: MaxConnectionsError). An event's sentAt is taken when it is published.
        outstanding = asyncio.Semaphore(PUBLISHES)

        def done(task: asyncio.Task) -> None:
            tasks.discard(task)
            outstanding.release()
            if task.exception():
                failures.append(task.exception())

        received = asyncio.ensure_future(tracker.wait_distinct(total, STALL_S))
        started = time.perf_counter()
        sent = 0
        while sent < count:
            if failures:
                raise failures[0]
            due = min(count, int((time.perf_counter() - started) * rate) + 1)
            while sent < due:
                await outstanding.acquire()
                task = asyncio.ensure_future(publish(warmup + sent))
                tasks.add(task)
                task.add_done_callback(done)
                sent += 1
            await asyncio.sleep(0.001)
        try:
            await received
        except RuntimeError:
            # Events that never arrived because their publish failed: that failure is the cause.
            if failures:
                raise failures[0] from None
            raise
        if failures:
            raise failures[0]
        await asyncio.sleep(DUPLICATE_GRACE_S)
        check_duplicates(tracker, spec["allowDuplicates"])
        ordered = sorted(latencies)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0  # noqa: E731
        return {"n": count, "rate": rate, "p50Ms": pick(0.5), "p99Ms": pick(0.99), "maxMs": ordered[-1] if ordered else 0, "duplicates": tracker.duplicates}
    finally:
        await stop(peer)


async def stop(peer) -> None:
    try:
        await peer.broker.stop()
    finally:
        await peer.cleanup()


async def main(spec: dict) -> None:
    if spec["broker"] == "kafka":
        await create_kafka_topic(spec["endpoints"], spec["topic"])
    measure = {"throughput": throughput, "latency": latency}[spec["mode"]]
    result = await measure(spec)
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    run_spec = json.loads(sys.argv[1])
    try:
        asyncio.run(main(run_spec))
    except BaseException:  # noqa: BLE001 (any failure fails the run, with its reason)
        sys.stderr.write(f"FAILED faststream {run_spec['broker']} {run_spec['mode']}: {traceback.format_exc()}\n")
        sys.exit(1)
