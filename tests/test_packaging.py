"""What `pip install .` (the Docker image) ships: every template, static file, catalogue and content file."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Files a non-Python package needs at run time, by package.
NEEDED = {
    "admin": ["templates", "static"],
    "translations": ["locale"],
    "content": ["data", "search"],
    "bot": ["."],
    "migrations": ["versions"],
}


def test_package_data_covers_every_file_the_service_reads() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    missing = []
    for package, folders in NEEDED.items():
        for folder in folders:
            for path in (ROOT / package / folder).rglob("*"):
                if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                    continue
                relative = path.relative_to(ROOT / package).as_posix()
                if relative.endswith(".py") and package != "migrations":
                    continue  # Python modules are packages of their own
                if not any(fnmatch(relative, pattern) for pattern in patterns.get(package, [])):
                    missing.append(f"{package}/{relative}")
    assert missing == []
