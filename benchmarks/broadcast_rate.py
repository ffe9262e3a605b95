"""Broadcast throughput: one announcement to many subscribers through the Bot API emulator, at the rate cap.

Usage: .venv/bin/python benchmarks/broadcast_rate.py [--subscribers 10000] [--rate 30] [--database-url URL]
       [--kill-after N]

Creates the subscribers (four languages) and an urgent announcement (urgent, so that quiet hours do not hold it
when this runs at night) in a fresh database, starts the Bot API emulator from the tests in this process and the
real sender (`vagvisare send`) in a child process pointed at it, then schedules the broadcast "now". Prints the
time to the first message, the achieved rate as a fraction of the cap (first to last message, the emulator's
clock), the busiest second, deliveries by status, and the sender's resident memory (VmRSS at the end, VmHWM peak).
With --kill-after N the sender is killed with SIGKILL after N messages and started again: the people reached and
the duplicate messages show the crash guarantee (the rate then includes the restart).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.db import migrate, open_database
from content.models import Audience, BotUser, Broadcast, TranslationStatus, utcnow
from content.repository import broadcasts
from content.repository.outbox import counts
from tests.bot.emulator import TOKEN, BotAPIEmulator

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {
    "sv": "Informationsmöte om arbete och bostad i Skellefteå på tisdag kl 18. Tolk finns.",
    "en": "Information meeting about work and housing in Skellefteå on Tuesday at 18. An interpreter is there.",
    "ar": "اجتماع إعلامي حول العمل والسكن في شيليفتيو يوم الثلاثاء الساعة 18. يوجد مترجم.",
    "uk": "Інформаційна зустріч про роботу та житло в Шеллефтео у вівторок о 18. Буде перекладач.",
}


def memory(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount, _unit = line.split()
            values[name] = int(amount) / 1024
    return values["VmRSS:"], values["VmHWM:"]


async def start_sender(environment: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "vagvisare", "send", cwd=ROOT, env=environment)


async def main(subscribers: int, rate: float, database_url: str | None, kill_after: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="vagvisare-broadcast-"))
    url = database_url or f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
    await migrate(url)
    api = BotAPIEmulator()
    runner = web.AppRunner(api.app(), handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    langs = list(TEXTS)
    async with open_database(url) as sessions:
        async with sessions() as session, session.begin():
            session.add_all(
                BotUser(pseudonym=f"b{n}", chat_id=10_000_000 + n, lang=langs[n % len(langs)])
                for n in range(subscribers)
            )
            broadcast = await broadcasts.create_broadcast(
                session=session, text=TEXTS["sv"], audience=Audience.EVERYONE, audience_value="", event_id=None,
                urgent=True, author="benchmark",
            )  # fmt: skip
            for lang, text in TEXTS.items():
                if lang != "sv":
                    await broadcasts.set_text(
                        session=session, broadcast=broadcast, lang=lang, text=text, status=TranslationStatus.REVIEWED
                    )
            number = broadcast.id
        environment = os.environ | {
            "VAGVISARE_DATABASE_URL": url,
            "VAGVISARE_DATA_DIR": str(workdir),
            "VAGVISARE_TELEGRAM_TOKEN": TOKEN,
            "VAGVISARE_TELEGRAM_API_URL": base_url,
            "VAGVISARE_BROADCAST_RATE": str(rate),
            "VAGVISARE_PAID_BROADCASTS": "true" if rate > 30 else "false",
            "VAGVISARE_LOAD_STARTER_CONTENT": "false",
            "VAGVISARE_LOG_LEVEL": "WARNING",
        }
        sender = await start_sender(environment)
        await asyncio.sleep(3)  # let it start: the time to the first message counts from the click, not the start
        rss_idle, _ = memory(sender.pid)
        async with sessions() as session, session.begin():
            stored = await session.get(Broadcast, number)
            assert stored is not None
            await broadcasts.schedule(session=session, broadcast=stored, at=None, actor="benchmark", now=utcnow())
        # The emulator runs in this process: its garbage collector's pauses (the heap grows with every message it
        # keeps) would bunch arrival times and distort the busiest second, so it is off while the messages arrive.
        gc.collect()
        gc.freeze()
        gc.disable()
        clicked = time.monotonic()
        print(f"Broadcast to {subscribers} subscribers at a cap of {rate:g} messages/s started.", flush=True)
        last_report = clicked
        reached: set[int] = set()
        seen = 0
        killed = False
        while len(reached) < subscribers:
            await asyncio.sleep(0.5)
            counted = len(api.log)
            reached.update(sent.chat_id for sent in api.log[seen:counted])
            seen = counted
            if time.monotonic() - last_report >= 30:
                last_report = time.monotonic()
                print(f"  {len(reached)} people reached after {last_report - clicked:.0f} s", flush=True)
            if kill_after and not killed and len(api.log) >= kill_after:
                sender.send_signal(signal.SIGKILL)  # a crash halfway: no chance to record what is in flight
                await sender.wait()
                killed = True
                print(f"  killed the sender (SIGKILL) after {len(api.log)} messages; starting it again", flush=True)
                sender = await start_sender(environment)
            if sender.returncode is not None:
                raise SystemExit("the sender stopped")
        reached = {sent.chat_id for sent in api.log}
        gc.enable()
        rss_end, rss_peak = memory(sender.pid)
        async with sessions() as session:
            by_status = await counts(session=session, broadcast_id=number)
        sender.terminate()
        await sender.wait()
    await runner.cleanup()
    arrivals = sorted(sent.at for sent in api.log)
    first, last = arrivals[0], arrivals[-1]
    achieved = (len(arrivals) - 1) / (last - first)
    print(f"time to first message: {first - clicked:.2f} s (the sender looks for work every second)")
    print(f"sending time (first to last): {last - first:.1f} s for {len(arrivals)} messages")
    print(f"achieved rate: {achieved:.2f} messages/s = {achieved / rate:.3f} of the cap")
    print(f"busiest second: {api.busiest_second()} requests (cap {rate:g})")
    print(f"deliveries: {by_status}")
    print(f"people reached: {len(reached)} of {subscribers}; messages: {len(api.log)} "
          f"({len(api.log) - len(reached)} duplicates)")  # fmt: skip
    print(f"sender memory: {rss_idle:.0f} MB idle, {rss_end:.0f} MB at the end, peak {rss_peak:.0f} MB (VmHWM)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--kill-after", type=int, default=0, help="SIGKILL the sender after N messages, restart it")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.subscribers, arguments.rate, arguments.database_url, arguments.kill_after))
