"""Fixtures for the real Argos path: no network, and argostranslate's folders under the test's tmp_path."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every attempt to resolve a name or open a connection, each refused."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def argos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, network_attempts: list[object]) -> Iterator[ModuleType]:
    """`argostranslate.translate`, with packages in (and installed into) an empty folder under `tmp_path`.

    `argostranslate.settings` reads the environment once, when first imported, and then creates its data, config
    and cache folders under the home directory: the environment points those into `tmp_path` for that import.
    The packages folder and the other settings are module attributes read at each call, so they are set (and
    restored afterwards) here whether or not an earlier test imported the module.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    packages = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    import argostranslate.settings as settings
    import argostranslate.translate as translate

    packages.mkdir(exist_ok=True)
    monkeypatch.setattr(settings, "package_data_dir", packages)  # where install_from_path unpacks
    monkeypatch.setattr(settings, "package_dirs", [packages])  # where installed packages are looked for
    monkeypatch.setattr(settings, "chunk_type", settings.ChunkType.MINISBD)  # the package's minisbd/*.onnx
    monkeypatch.setattr(settings, "device", "cpu")
    monkeypatch.setattr(settings, "inter_threads", 1)
    monkeypatch.setattr(settings, "intra_threads", 1)  # 0 (the default) lets CTranslate2 pick, slower for this
    # Translations are cached per language pair across calls: start and end without any.
    monkeypatch.setattr(translate, "installed_translates", [])
    translate.get_installed_languages.cache_clear()
    yield translate
    translate.get_installed_languages.cache_clear()
