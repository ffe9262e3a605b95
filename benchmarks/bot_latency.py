"""Bot latency and memory: `vagvisare run` in its own process, 200 simulated people talking to it at once.

Usage: .venv/bin/python benchmarks/bot_latency.py [--users 200] [--rounds 5] [--database-url URL] [--webhook]

Starts the Bot API emulator from the tests in this process and the real service (`vagvisare run`, SQLite by default)
in a child process pointed at it. Every simulated person first goes through /start, language and privacy (not
measured), then ROUNDS times: opens the menu's municipalities, a region, a municipality and its overview
(navigation: each a button press that edits the message), and asks a free-text question. Latency is measured from
the update entering the emulator to the bot's reply arriving there. People pause between actions (uniformly 0 to 2 ×
--think seconds, as when reading); --think 0 measures the bot saturated. --webhook runs the bot in webhook mode: the
emulator posts each update to the bot's webhook route instead of answering a long poll. Prints p50/p99 per kind, the
bot's CPU time per update, and its resident memory (VmRSS from /proc). On a shared virtual machine the speed drifts
from run to run; the bot's CPU time per update shows how fast the machine was during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bot.emulator import TOKEN, BotAPIEmulator, Sent

SETTLE = 2.0  # seconds after the bot is up before its memory "after start" is read

QUESTIONS = {
    "en": ["Where can I learn Swedish?", "How do I find an apartment?", "emergency number", "driving licence"],
    "sv": ["Var kan jag läsa svenska?", "Hur hittar jag bostad?", "nödnummer", "körkort"],
    "ar": ["أين أتعلم اللغة السويدية؟", "كيف أجد سكن", "رقم الطوارئ", "رخصة القيادة"],
    "uk": ["Де вивчати шведську?", "Як знайти житло?", "екстрений номер", "водійські права"],
}
NAMES = {"en": "English", "sv": "Svenska", "ar": "العربية", "uk": "Українська"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def act(
    api: BotAPIEmulator, chat_id: int, push: asyncio.Future[int] | None = None, **kind: str
) -> tuple[Sent, float]:
    started = time.monotonic()
    if "text" in kind:
        mark = await api.send_text(chat_id, kind["text"])
    else:
        mark = await api.press_data(chat_id, int(kind["message"]), kind["data"])
    sent = await api.next_sent(chat_id, mark)
    return sent, (sent.at - started) * 1000


async def person(
    api: BotAPIEmulator,
    chat_id: int,
    lang: str,
    rounds: int,
    think: float,
    ready: asyncio.Barrier,
    nav: list[float],
    ask: list[float],
) -> None:
    pause = random.Random(chat_id)
    picker, _ = await act(api, chat_id, text="/start")
    notice, _ = await act(
        api, chat_id, message=str(picker.message_id), data=picker.button(NAMES[lang])["callback_data"]
    )
    question, _ = await act(api, chat_id, message=str(notice.message_id), data=notice.buttons[-1][0]["callback_data"])
    menu, _ = await act(api, chat_id, message=str(question.message_id), data=question.buttons[-1][0]["callback_data"])
    await ready.wait()  # measure the steady state, not the burst of 200 first contacts
    for round_ in range(rounds):
        screen = menu
        for data in ["regions", "r:umearegionen", "m:vannas", "a:vannas-overview", "home"]:
            await asyncio.sleep(pause.uniform(0, 2 * think))  # a person reads before tapping on
            screen, took = await act(api, chat_id, message=str(screen.message_id), data=data)
            nav.append(took)
        await asyncio.sleep(pause.uniform(0, 2 * think))
        _, took = await act(api, chat_id, text=QUESTIONS[lang][round_ % len(QUESTIONS[lang])])
        ask.append(took)
        menu, _ = await act(api, chat_id, text="/menu")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49]:.1f} ms  p90 {q[89]:.1f} ms  p99 {q[98]:.1f} ms  (n={len(values)})"


async def main(users: int, rounds: int, think: float, database_url: str | None, webhook: bool) -> None:
    api = BotAPIEmulator()
    runner = web.AppRunner(api.app(), handler_cancellation=True, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    with tempfile.TemporaryDirectory() as data_dir:
        admin_port = free_port()
        env = os.environ | {
            "VAGVISARE_DATA_DIR": data_dir,
            "VAGVISARE_ADMIN_PORT": str(admin_port),
            "VAGVISARE_TELEGRAM_TOKEN": TOKEN,
            "VAGVISARE_TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot",
            "VAGVISARE_LOG_LEVEL": "WARNING",
            "VAGVISARE_OPEN_DATA_REFRESH": "false",  # no agency is reachable here; the refresh runs in a child anyway
        }
        if database_url:
            env["VAGVISARE_DATABASE_URL"] = database_url
        if webhook:
            env["VAGVISARE_WEBHOOK_URL"] = "https://bot.example.org/telegram/webhook"
            api.deliver_to = f"http://127.0.0.1:{admin_port}/telegram/webhook"  # what a reverse proxy would do
        child = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "vagvisare"), "run", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        try:
            while not api.commands or (webhook and not api.webhook):  # the bot is up  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            # Start-up ends a moment after the commands are registered (garbage collected, memory given back:
            # vagvisare.startup.settle_memory); reading at once measured that moment's garbage, up to 10 MB.
            await asyncio.sleep(SETTLE)
            idle = rss_mb(child.pid)
            nav: list[float] = []
            ask: list[float] = []
            langs = list(NAMES)
            ready = asyncio.Barrier(users)
            cpu_before = cpu_seconds(child.pid)
            own_before = cpu_seconds(os.getpid())
            started = time.monotonic()
            await asyncio.gather(
                *(person(api, 10_000 + n, langs[n % len(langs)], rounds, think, ready, nav, ask) for n in range(users))
            )
            elapsed = time.monotonic() - started
            busy = rss_mb(child.pid)
            cpu = cpu_seconds(child.pid) - cpu_before
            own = cpu_seconds(os.getpid()) - own_before
        finally:
            await api.release_polls()
            child.terminate()
            await child.wait()
            await runner.cleanup()
    print(
        f"database: {database_url or 'SQLite (embedded default)'}; {'webhook' if webhook else 'long polling'}; "
        f"{users} people at once, {rounds} rounds each, {think:.1f} s mean pause between actions"
    )
    print(f"navigation (button press -> edited message): {percentiles(nav)}")
    print(f"question (text -> answer):                   {percentiles(ask)}")
    updates = len(nav) + len(ask) + users * (4 + rounds)
    print(f"updates handled: {updates} in {elapsed:.1f} s; bot CPU {cpu * 1000 / updates:.1f} ms per update")
    print(f"emulator and simulated people (this process) used {own / elapsed * 100:.0f} % of a core")
    print(f"bot process resident memory: {idle:.0f} MB after start, {busy:.0f} MB after the run")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds a person pauses between actions")
    parser.add_argument("--database-url")
    parser.add_argument("--webhook", action="store_true", help="webhook mode instead of long polling")
    args = parser.parse_args()
    try:  # the emulator and the simulated people share one process: on uvloop, as the service runs, where installed
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main(args.users, args.rounds, args.think, args.database_url, args.webhook))
