"""The README keeps its promises: every setting documented, the two commands shown."""

from __future__ import annotations

from pathlib import Path

from vagvisare.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_readme_lists_every_setting() -> None:
    missing = [name for name in Settings.model_fields if f"`VAGVISARE_{name.upper()}`" not in README]
    assert missing == []


def test_every_setting_has_help_text() -> None:
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_the_quick_start_is_the_two_make_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start
