"""Throughput of the Argos path, and the time to translate the whole starter content.

Usage: .venv/bin/python benchmarks/translation_speed.py [--package FILE.argosmodel ...]

Without --package it builds the tests' tiny Argos packages (sv→en, and en→ar, en→fa, en→uk, en→ru, so those go
through the English pivot): the figures are then the overhead of our pipeline (sentence splitting, tokenising,
CTranslate2, Markdown handling), not of a real model. With real packages given, it installs those instead.
Prints sentences per second for a batch of Swedish sentences, the time for `vagvisare translate` over the
starter content into every reachable language, and peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.db import migrate, open_database
from content.loading import load_repository
from tests.translations.tiny_argos import build_package
from translations.machine.argos import ArgosProvider
from translations.machine.fill import fill, plan
from translations.machine.packages import install_package

SENTENCES = [
    "Sfi är gratis undervisning i svenska för vuxna.",
    "Ring 112 om det är fara för liv eller hälsa.",
    "Kommunen hjälper dig att hitta en bostad.",
    "Du kan ansöka om etableringsprogrammet hos Arbetsförmedlingen.",
]


async def main(packages: list[Path]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        if not packages:
            started = time.perf_counter()
            packages = [build_package(root, "sv", "en")]
            packages += [build_package(root, "en", code) for code in ("ar", "fa", "uk", "ru")]
            print(f"built {len(packages)} tiny packages in {time.perf_counter() - started:.2f} s")
        provider = ArgosProvider(root / "packages")
        for package in packages:
            install_package(package, provider.packages_dir)
        await provider.translate(["Värm upp."], "sv", "en")  # load the model once
        batch = SENTENCES * 50
        started = time.perf_counter()
        await provider.translate(batch, "sv", "en")
        elapsed = time.perf_counter() - started
        print(f"sv→en: {len(batch)} sentences in {elapsed:.2f} s = {len(batch) / elapsed:.0f} sentences/s")
        url = f"sqlite+aiosqlite:///{root}/bench.sqlite3"
        await migrate(url)
        async with open_database(url) as sessions:
            await load_repository(sessions)
            work, _ = await plan(sessions, provider)
            started = time.perf_counter()
            summary = await fill(sessions, provider)
            elapsed = time.perf_counter() - started
        print(f"starter content: {len(work)} article translations in {elapsed:.1f} s")
        print("\n".join(summary.lines()))
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, action="append", default=[])
    asyncio.run(main(parser.parse_args().package))
