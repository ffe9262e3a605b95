"""Real headless Chromium (Debian's `chromium`) driven by Playwright, against the admin on a free local port.

Playwright's own browser download cannot be used here, so the tests launch the system browser
(`executable_path`). Without it they skip, with the reason printed; under CI (`CI=true`) that is a failure.
Screenshots of the pages go to `test-output/screenshots/` for people to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


def _chromium() -> str | None:
    for candidate in (os.environ.get("VAGVISARE_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
async def page(admin_url: str) -> AsyncIterator[Page]:
    executable = _chromium()
    if executable is None:
        reason = "Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
        if IN_CI:
            pytest.fail(f"{reason}; browser tests must run under CI")
        print(f"\nSkipping browser tests: {reason}")
        pytest.skip(reason)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = await browser.new_context(base_url=admin_url, viewport={"width": 1280, "height": 900}, locale="sv-SE")
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # JavaScript errors and console errors fail the test; a refused request (a wrong password's 401) is expected.
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        yield page
        await browser.close()
    assert errors == [], f"the browser reported errors: {errors}"


async def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
