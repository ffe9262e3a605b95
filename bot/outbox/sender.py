"""The sender: takes deliveries from the outbox and sends them at Telegram's pace, surviving crashes.

One process at a time sends (`bot.outbox.lock`), so the global rate holds however many processes run. Each
delivery is claimed (committed as `sending`) before its request leaves and marked with its outcome when the
answer comes back. A 429 pauses all sending for the `retry_after` Telegram asks; a 403 marks the person
inactive; other failures are retried with growing pauses, then reported as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.lock import SenderLock
from bot.reply import Reply
from content.models import utcnow
from content.quiet_hours import is_quiet
from content.repository import outbox
from content.repository.broadcasts import finish_done, start_due

log = logging.getLogger(__name__)

MAX_FAILURES = 5  # tries of a delivery that fails for reasons other than a 429 or a block
MAX_BACKOFF = 300.0  # seconds
PER_CHAT_INTERVAL = 1.0  # Telegram: at most about one message per second to one chat
RATE_MARGIN = 0.98  # aim just under the configured rate, so network jitter never pushes a second over it
ERROR_PAUSE = 5.0  # seconds to wait after an unexpected error before trying again
MIN_WINDOW = 8  # deliveries claimed and not yet finished, at most: max(8, a quarter second's worth at the rate)
OUTAGE_AFTER = 3  # transient failures in a row, nothing sent between: Telegram (or the network) is down
MAX_OUTAGE_PAUSE = 60.0  # seconds
# Seconds a sender waits after taking the lock: the process before it may have sent at the full rate until a
# moment ago (it was stopped, or died), and its last second and this one's first must not add up to more.
HANDOVER_PAUSE = 1.0


class RetryLater(Exception):
    """Telegram answered 429: wait `seconds`, then try again (it does not count as a failure)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Blocked(Exception):
    """Telegram answered 403: the person blocked the bot or deleted their account."""


class Transient(Exception):
    """A failure worth trying again: a 5xx, a timeout, a broken connection. The message is the error code."""


class Rejected(Exception):
    """Telegram refused the message itself (400): trying again will not help."""


class Transport(Protocol):
    """Sends one reply to one chat, raising the exceptions above."""

    async def send(self, chat_id: int, reply: Reply) -> None: ...


Render = Callable[[AsyncSession, outbox.Claimed], Awaitable[Reply | None]]
Housekeeping = Callable[[AsyncSession, datetime], Awaitable[object]]


class Pacer:
    """A global rate: one request every 1/rate seconds, never a burst, and a pause when Telegram asks."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / (rate * RATE_MARGIN)
        self.clock = clock
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.last_by_chat: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` have passed."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    async def slot(self, chat_id: int) -> None:
        """Wait for this request's turn: after the global pause, the last request and this chat's last message."""
        while True:
            now = self.clock()
            ready = max(self.next_slot, self.paused_until, self.last_by_chat.get(chat_id, 0.0) + PER_CHAT_INTERVAL)
            if ready <= now:
                break
            await asyncio.sleep(ready - now)
        # A late wake-up (sleep overshoot, a claim query between batches) keeps its place in the schedule, by
        # at most a quarter interval: the rate holds on average, and no second ever sees more than the cap.
        self.next_slot = max(ready, now - self.interval / 4) + self.interval
        self.last_by_chat[chat_id] = now
        if len(self.last_by_chat) > 1000:  # only the last second matters
            self.last_by_chat = {c: t for c, t in self.last_by_chat.items() if t > now - PER_CHAT_INTERVAL}


def window(rate: float) -> int:
    """How many deliveries one sender holds at once (claimed, rendering, waiting for their turn or in flight).

    It bounds what a crash can duplicate, what still goes out after a pause or a cancel, and what a sender that
    lost its lock can still send: 8 at Telegram's free rate, more at paid rates so that claiming keeps up.
    """
    return max(MIN_WINDOW, math.ceil(rate / 4))


def backoff(failures: int) -> float:
    """Seconds to wait before the next try: 2, 4, 8, ... up to five minutes."""
    return min(MAX_BACKOFF, 2.0**failures)


@dataclass
class _Chore:
    """Work the sender does now and then (queueing tomorrow's reminders), every `every` seconds."""

    every: float
    job: Housekeeping
    last: float = float("-inf")


@dataclass
class Stats:
    """What this sender did since it started (for logs and benchmarks)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    requeued_at_start: int = 0
    errors: dict[str, int] = field(default_factory=dict)


class Sender:
    """Sends the outbox. `run` until `stop` is set; only the holder of the sender lock sends."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        transport: Transport,
        render: Render,
        *,
        rate: float,
        lock: SenderLock,
        clock: Callable[[], datetime] = utcnow,
        housekeeping: list[tuple[float, Housekeeping]] | None = None,
        poll: float = 1.0,
        quiet: Callable[[datetime], bool] = is_quiet,
    ) -> None:
        self.sessions = sessions
        self.transport = transport
        self.render = render
        self.pacer = Pacer(rate)
        self.turns = asyncio.Lock()
        self.lock = lock
        self.clock = clock
        self.poll = poll
        self.quiet = quiet
        self.housekeeping = [_Chore(every, job) for every, job in housekeeping or []]
        self.window = window(rate)
        self.tasks: set[asyncio.Task[None]] = set()
        self.outage = 0  # transient failures in a row
        self.stats = Stats()

    async def run(self, stop: asyncio.Event) -> None:
        """Wait to become the sender, then send until `stop` is set (finishing what is in flight)."""
        while not stop.is_set():
            try:
                acquired = await self.lock.acquire()
            except Exception:  # the database is away for a moment: keep waiting, never die of it
                log.exception("Could not ask for the sender lock; trying again shortly.")
                acquired = False
            if not acquired:
                await _wait(stop, self.lock.retry_every)
                continue
            self.pacer.pause(HANDOVER_PAUSE)
            try:
                await self._send_while_held(stop)
            except Exception:
                log.exception("Sending the outbox failed; trying again shortly.")
                await _wait(stop, ERROR_PAUSE)
            finally:
                await self._drain()
                await self.lock.release()
                done = self.stats
                log.info(
                    "Stopped sending the outbox: %d sent, %d tried again, %d failed, %d blocked; errors: %s.",
                    done.sent, done.retried, done.failed, done.blocked, done.errors or "none",
                )  # fmt: skip

    async def _send_while_held(self, stop: asyncio.Event) -> None:
        async with self.sessions() as session, session.begin():
            self.stats.requeued_at_start = await outbox.requeue_in_flight(session=session)
        if self.stats.requeued_at_start:
            log.warning(
                "Put %d claimed deliveries back in the queue: a sender stopped before finishing them.",
                self.stats.requeued_at_start,
            )
        log.info("Sending the outbox.")
        while not stop.is_set():
            if not await self.lock.still_held():
                log.error("Lost the sender lock; stopping sending.")
                return
            try:
                claimed = await self.step()
            except Exception:  # the database went away for a moment, say: never let the sender die of it
                log.exception("Sending the outbox failed; trying again shortly.")
                await _wait(stop, ERROR_PAUSE)
                continue
            if not claimed:
                await _wait(stop, self.poll)

    async def step(self) -> int:
        """Do what is due: start broadcasts, housekeeping, then claim and send one batch; return how many."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            await start_due(session=session, now=now)
            await finish_done(session=session, now=now)
            for chore in self.housekeeping:
                if time.monotonic() - chore.last >= chore.every:
                    await chore.job(session, now)
                    chore.last = time.monotonic()
            free = self.window - len(self.tasks)
            batch = await outbox.claim(session=session, now=now, limit=free, quiet=self.quiet(now)) if free else []
        for item in batch:
            task = asyncio.create_task(self._deliver(item))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if not free:  # the window is full: wait until one delivery is done
            await asyncio.wait(set(self.tasks), return_when=asyncio.FIRST_COMPLETED)
            return 1
        return len(batch)

    async def _drain(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _deliver(self, item: outbox.Claimed) -> None:
        try:
            await self._deliver_one(item)
        except Exception:  # a database error while recording the outcome: try once more, after a moment
            log.exception("Could not record the outcome of a delivery; it goes back in the queue.")
            await asyncio.sleep(1.0)
            with contextlib.suppress(Exception):  # else it stays `sending` and the next sender requeues it
                await self._retry(item, ERROR_PAUSE, "not recorded", item.failures)

    async def _deliver_one(self, item: outbox.Claimed) -> None:
        if not item.active:
            async with self.sessions() as session, session.begin():
                await outbox.mark_blocked(session=session, delivery_id=item.id, user_id=item.user_id)
            return
        try:
            async with self.sessions() as session:
                reply = await self.render(session, item)
        except Exception:
            log.exception("Rendering a %s delivery failed.", item.kind)
            await self._transient(item, "render")
            return
        if reply is None:
            async with self.sessions() as session, session.begin():
                await outbox.mark_cancelled(session=session, delivery_id=item.id, reason="no longer applies")
            return
        async with self.turns:  # one at a time, in order: the slot is taken right before the request leaves
            await self.pacer.slot(item.chat_id)
        try:
            await self.transport.send(item.chat_id, reply)
        except RetryLater as wait:
            self.pacer.pause(wait.seconds)
            self.stats.retried += 1
            await self._retry(item, wait.seconds, None, item.failures)
        except Blocked:
            self.stats.blocked += 1
            async with self.sessions() as session, session.begin():
                await outbox.mark_blocked(session=session, delivery_id=item.id, user_id=item.user_id)
        except Rejected as error:
            await self._fail(item, f"rejected: {error}", item.failures + 1)
        except (Transient, Exception) as error:
            await self._transient(item, str(error) if isinstance(error, Transient) else type(error).__name__)
        else:
            self.outage = 0
            self.stats.sent += 1
            async with self.sessions() as session, session.begin():
                await outbox.mark_sent(session=session, delivery_id=item.id, now=self.clock())

    async def _transient(self, item: outbox.Claimed, code: str) -> None:
        """A failure worth trying again. Several in a row mean an outage: everything waits, nobody's tries count."""
        self.stats.errors[code] = self.stats.errors.get(code, 0) + 1
        self.stats.retried += 1
        self.outage += 1
        if self.outage >= OUTAGE_AFTER:
            pause = min(MAX_OUTAGE_PAUSE, backoff(self.outage - OUTAGE_AFTER + 1))
            if self.outage == OUTAGE_AFTER:
                log.warning("Telegram does not answer (%s); sending waits and tries again.", code)
            self.pacer.pause(pause)
            await self._retry(item, pause, code, item.failures)
            return
        failures = item.failures + 1
        if failures >= MAX_FAILURES:
            await self._fail(item, code, failures)
        else:
            await self._retry(item, backoff(failures), code, failures)

    async def _retry(self, item: outbox.Claimed, seconds: float, error: str | None, failures: int) -> None:
        async with self.sessions() as session, session.begin():
            await outbox.mark_retry(
                session=session,
                delivery_id=item.id,
                not_before=self.clock() + timedelta(seconds=seconds),
                error=error,
                failures=failures,
            )

    async def _fail(self, item: outbox.Claimed, error: str, failures: int) -> None:
        self.stats.failed += 1
        log.warning("A %s delivery failed for good: %s", item.kind, error)
        async with self.sessions() as session, session.begin():
            await outbox.mark_failed(session=session, delivery_id=item.id, error=error, failures=failures)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep up to `seconds`, waking early when `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
