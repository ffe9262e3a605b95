"""Vägvisare."""

import sys

# python-telegram-bot imports httpx (Vägvisare sends its requests over aiohttp instead), and httpx imports its
# command-line tool when it can, and with it click, rich and pygments: about 4 MB the service would carry for
# nothing. Marking the module missing makes httpx skip it; `httpx.main` then explains that it is unavailable.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
