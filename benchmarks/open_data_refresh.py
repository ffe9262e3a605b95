"""What one open-data refresh costs: `vagvisare data fetch` and `data import` in child processes, at full size.

Usage: .venv/bin/python benchmarks/open_data_refresh.py [--ads 40000] [--rate 2]

Starts the agencies' stand-in from the tests (tests/opendata/standin.py) in this process, filled to the size of
the real sources: --ads open job ads across Sweden's 290 municipalities (each with a 3,000-character description,
as JobSearch's hits carry), a Yrkesbarometer of 180 barometer occupations in 21 counties and the whole country
(with its text columns), and Kolada's three key figures for five years. A database with the starter content is
prepared; then each source is fetched by `vagvisare data fetch SOURCE` at --rate requests a second (the default
politeness), and the same data imported from files (`data import`: a JobStream snapshot of all --ads ads, the
workbook, Kolada's answer). Prints, per run: rows stored, requests, wall time and the child's peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.files.codes_check import COUNTY_CODES
from tests.opendata.conftest import BAROMETER_ROWS
from tests.opendata.standin import BAROMETER_PAGE, AgencyStandIn, ad, barometer_workbook, kolada_value, serving

ROOT = Path(__file__).resolve().parents[1]
STARTER_GROUPS = ["5321", "5323", "2221", "2341", "2343", "5311", "8331", "8332", "7111", "7411", "7212", "7231",
                  "5120", "9111", "2512", "2142", "3112", "6210", "5330", "5343", "2211", "2212"]  # fmt: skip


def _towns() -> list[str]:
    import yaml

    from content.files.repository import DEFAULT_ROOT

    ours = [str(town["code"]) for town in yaml.safe_load((DEFAULT_ROOT / "municipalities.yaml").read_text())]
    others = [f"{county}{n:02d}" for county in sorted(set(COUNTY_CODES.values())) for n in range(60, 74)]
    return ours + [code for code in others if code not in ours][: 290 - len(ours)]


def _ads(count: int, towns: list[str]) -> list[dict[str, object]]:
    rng = random.Random(7)
    groups = STARTER_GROUPS + [f"{rng.randint(1000, 9999)}" for _ in range(380)]
    text = "Vi söker en medarbetare till vår verksamhet. " * 66  # about 3,000 characters
    ads = []
    for number in range(count):
        item = ad(number, rng.choice(groups), rng.choice(towns), f"2026-11-{rng.randint(1, 30):02d}T08:00:00")
        item["description"] = {"text": text, "company_information": "", "needs": "", "requirements": ""}
        ads.append(item)
    return ads


def _barometer() -> bytes:
    counties = [name for name in COUNTY_CODES] + ["Nationellt"]
    rows = []
    groups = STARTER_GROUPS + [str(1000 + n) for n in range(160)]
    levels = ["stora", "medelstora", "små"]
    for index, group in enumerate(groups[:180]):
        for county in counties:
            rows.append({**BAROMETER_ROWS[0], "yb_yrke": f"Yrke {group}", "ssyk": group, "lan_namn": county,
                         "jobbmojligheter": levels[index % 3], "text_jobbmojligheter": "Bedömning. " * 30})  # fmt: skip
    return barometer_workbook(rows)


def _kolada(towns: list[str]) -> list[dict[str, object]]:
    return [
        kolada_value(kpi, town, year, 1000.0 + year)
        for kpi in ("N01951", "N02926", "N03937")
        for town in towns
        for year in range(2022, 2027)
    ]


def _run(env: dict[str, str], *args: str) -> tuple[str, float, float]:
    """Run `vagvisare ARGS`; its last line, wall time, and peak memory (VmHWM, read until it exits).

    Not ru_maxrss: a child forked from this process starts as a copy of it (the stand-in, hundreds of MB), and
    ru_maxrss keeps that across exec; VmHWM belongs to the program after exec.
    """
    began = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "vagvisare", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0.0
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"vagvisare {' '.join(args)} failed:\n{out}")
    return out.strip().splitlines()[-1], time.monotonic() - began, peak


async def main(ads: int, rate: float) -> None:
    towns = _towns()
    standin = AgencyStandIn(ads=_ads(ads, towns), kolada=_kolada(towns), barometer=_barometer())
    async with serving(standin) as base:
        with tempfile.TemporaryDirectory() as data_dir:
            env = os.environ | {
                "VAGVISARE_DATA_DIR": data_dir,
                "VAGVISARE_JOBSEARCH_URL": base,
                "VAGVISARE_OUTLOOK_URL": base + BAROMETER_PAGE,
                "VAGVISARE_KOLADA_URL": base + "/v3",
                "VAGVISARE_OPEN_DATA_RATE": str(rate),
                "VAGVISARE_LOG_LEVEL": "WARNING",
            }
            await asyncio.to_thread(_run, env, "content", "load")
            print(f"stand-in: {ads} open ads, {len(towns)} municipalities; fetch at {rate} requests a second")
            for source in ("jobads", "outlook", "kolada"):
                line, seconds, peak = await asyncio.to_thread(_run, env, "data", "fetch", source)
                print(f"fetch  {source:<8} {seconds:6.1f} s  peak {peak:6.1f} MB  | {line}")
            files = Path(data_dir)
            (files / "snapshot.json").write_text(json.dumps(standin.ads))
            (files / "yrkesbarometer.xlsx").write_bytes(standin.barometer)
            (files / "kolada.json").write_text(json.dumps({"values": standin.kolada}))
            size = (files / "snapshot.json").stat().st_size / 1024 / 1024
            for source, name in (
                ("jobads", "snapshot.json"),
                ("outlook", "yrkesbarometer.xlsx"),
                ("kolada", "kolada.json"),
            ):
                line, seconds, peak = await asyncio.to_thread(_run, env, "data", "import", source, str(files / name))
                extra = f" ({size:.0f} MB file)" if source == "jobads" else ""
                print(f"import {source:<8} {seconds:6.1f} s  peak {peak:6.1f} MB{extra}  | {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=40000)
    parser.add_argument("--rate", type=float, default=2.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.ads, arguments.rate))
