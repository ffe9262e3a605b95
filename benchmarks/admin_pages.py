"""Admin page speed and weight: `vagvisare run` in its own process over 5,000 articles, pages fetched over HTTP.

Usage: .venv/bin/python benchmarks/admin_pages.py [--articles 5000] [--requests 200] [--concurrency 1]

Loads the starter content multiplied to --articles articles (each with a text in every language, as in
search_latency.py) into a new SQLite database, starts the real service on it, logs in as an editor and fetches the
article list (first page, a filtered page, a text search) and article edit pages (a different article each time)
--requests times each, --concurrency at once. Prints median and p99 per page, and the weight of the main pages
(HTML, plus the stylesheet and scripts they load, uncompressed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from admin.passwords import hash_password
from benchmarks.search_latency import multiplied
from content.db import migrate, open_database
from content.files.repository import DEFAULT_ROOT, apply_bundle, read_bundle
from content.models import Role
from content.repository.accounts import create_account

EMAIL, PASSWORD = "editor@example.org", "benchmark password"
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def prepare(url: str, total: int) -> list[str]:
    bundle = read_bundle(DEFAULT_ROOT)
    bundle.articles = multiplied(bundle.articles, total)
    await migrate(url)
    async with open_database(url) as sessions, sessions() as session, session.begin():
        await apply_bundle(session=session, bundle=bundle, actor="benchmark")
        await create_account(
            session=session, email=EMAIL, password_hash=hash_password(PASSWORD), role=Role.EDITOR, actor="benchmark"
        )
    return [article.slug for article in bundle.articles]


async def timed(http: aiohttp.ClientSession, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    async with http.get(url) as response:
        body = await response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000, len(body)


async def measure(http: aiohttp.ClientSession, urls: list[str], concurrency: int) -> list[float]:
    timings: list[float] = []
    queue = list(urls)

    async def worker() -> None:
        while queue:
            took, _ = await timed(http, queue.pop())
            timings.append(took)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings


def summary(name: str, timings: list[float]) -> str:
    q = statistics.quantiles(timings, n=100)
    return f"{name:<34} median {statistics.median(timings):6.1f} ms   p99 {q[98]:6.1f} ms   (n={len(timings)})"


async def weight(http: aiohttp.ClientSession, base: str, path: str) -> str:
    async with http.get(base + path) as response:
        html = await response.text()
    assets = 0
    for asset in sorted(set(ASSETS.findall(html))):
        async with http.get(base + asset) as response:
            assets += len(await response.read())
    page = len(html.encode())
    return f"{path:<34} HTML {page / 1024:6.1f} KB + CSS/JS {assets / 1024:5.1f} KB = {(page + assets) / 1024:6.1f} KB"


async def main(total: int, requests: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        url = f"sqlite+aiosqlite:///{data_dir}/vagvisare.sqlite3"
        started = time.perf_counter()
        slugs = await prepare(url, total)
        print(f"{total} articles x 9 languages loaded in {time.perf_counter() - started:.0f} s")
        port = free_port()
        env = os.environ | {
            "VAGVISARE_DATA_DIR": data_dir,
            "VAGVISARE_DATABASE_URL": url,
            "VAGVISARE_ADMIN_PORT": str(port),
            "VAGVISARE_LOG_LEVEL": "WARNING",
        }
        env.pop("VAGVISARE_TELEGRAM_TOKEN", None)
        child = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "vagvisare"), "run", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                for _ in range(300):
                    try:
                        async with http.get(base + "/login") as response:
                            login_page = await response.text()
                        break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.2)
                token = re.search(r'name="csrf_token" value="([^"]+)"', login_page)
                assert token is not None
                form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)}
                async with http.post(base + "/login", data=form) as response:
                    assert response.status == 200, "login failed"
                    assert "/login" not in str(response.url), "login failed"
                pages = {
                    "article list (first page)": [base + "/articles"] * requests,
                    "article list (filtered: faq)": [base + "/articles?kind=faq&status=published"] * requests,
                    "article list (text search)": [base + f"/articles?q=overview-{n}" for n in range(requests)],
                    "article edit page": [base + f"/articles/{slugs[n * 7 % len(slugs)]}" for n in range(requests)],
                }
                await measure(http, pages["article list (first page)"][:5], 1)  # warm up
                print(f"{requests} requests per page, {concurrency} at a time:")
                for name, urls in pages.items():
                    print(summary(name, await measure(http, urls, concurrency)))
                print("page weight (uncompressed):")
                for path in ["/", "/articles", f"/articles/{slugs[0]}", "/events", "/try", "/links"]:
                    print(await weight(http, base, path))
        finally:
            child.terminate()
            await child.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.requests, args.concurrency))
