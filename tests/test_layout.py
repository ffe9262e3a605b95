"""The layout tells the architecture (docs/architecture.md): the domain core imports no channel or web library."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_LIBRARIES = {"telegram", "aiohttp", "aiohttp_jinja2", "aiohttp_session"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_content_imports_neither_telegram_nor_aiohttp() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & CHANNEL_LIBRARIES)
        for path in (ROOT / "content").rglob("*.py")
        if _imports(path) & CHANNEL_LIBRARIES
    }
    assert offenders == {}


def test_content_does_not_import_the_bot_the_admin_or_the_composition_root() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & {"bot", "admin", "vagvisare"})
        for path in (ROOT / "content").rglob("*.py")
        if _imports(path) & {"bot", "admin", "vagvisare"}
    }
    assert offenders == {}
