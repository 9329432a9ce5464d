"""Bounded in-flight publishing and exactly-once accounting: bench/flow.ts's ReceiptTracker and
PublishWindow for asyncio, so FastStream's producer runs under the same limits (at most 1,000
publishes outstanding, at most 5,000 published but not yet received)."""
import asyncio

PUBLISHES = 1_000
LAG = 5_000


class ReceiptTracker:
    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.counts = bytearray(expected)
        self.distinct = 0
        self.duplicates = 0
        self.probes = 0
        self.progress = asyncio.Event()

    def record(self, seq: int) -> None:
        if not (0 <= seq < self.expected):
            if seq >= self.expected:
                self.probes += 1
            self.progress.set()
            return
        seen = self.counts[seq]
        if seen == 0:
            self.distinct += 1
        else:
            self.duplicates += 1
        if seen < 255:
            self.counts[seq] = seen + 1
        self.progress.set()

    def missing(self, start: int, stop: int, limit: int = 10) -> list[int]:
        return [i for i in range(start, stop) if self.counts[i] == 0][:limit]

    async def wait_distinct(self, count: int, stall_s: float) -> None:
        """Returns once `count` distinct events arrived; raises after `stall_s` without progress."""
        while self.distinct < count:
            self.progress.clear()
            try:
                await asyncio.wait_for(self.progress.wait(), stall_s)
            except TimeoutError:
                lost = count - self.distinct
                raise RuntimeError(f"{lost} message(s) never arrived (no progress for {stall_s} s); e.g. seq {self.missing(0, count)}") from None


async def publish_window(tracker: ReceiptTracker, start: int, stop: int, publish) -> None:
    """Publishes seq start..stop-1 within the limits; raises the first failed publish."""
    in_flight = 0
    published = 0
    failure: list[BaseException] = []
    # One event for "a publish settled" and "an event arrived" (both can unblock the window).
    wake = tracker.progress

    def done(task: asyncio.Task) -> None:
        nonlocal in_flight
        in_flight -= 1
        if not task.cancelled() and task.exception() is not None and not failure:
            failure.append(task.exception())
        wake.set()

    for seq in range(start, stop):
        while in_flight >= PUBLISHES or published - tracker.distinct >= LAG:
            if failure:
                raise failure[0]
            wake.clear()
            await wake.wait()
        if failure:
            raise failure[0]
        in_flight += 1
        published += 1
        asyncio.ensure_future(publish(seq)).add_done_callback(done)
    while in_flight > 0:
        wake.clear()
        await wake.wait()
    if failure:
        raise failure[0]
