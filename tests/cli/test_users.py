"""`vagvisare users`: accounts from the command line, with passwords printed once and plain errors."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from admin.passwords import verify_password
from content.db import open_database
from content.models import EditorAccount, Role
from content.repository.accounts import find_account
from vagvisare.cli import app

PASSWORD_LINE = re.compile(r"\(shown only this once\): (\S+)$", re.M)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"VAGVISARE_DATA_DIR": str(tmp_path / "data"), "VAGVISARE_LOG_LEVEL": "WARNING"}


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _account(env: dict[str, str], email: str) -> EditorAccount | None:
    url = f"sqlite+aiosqlite:///{Path(env['VAGVISARE_DATA_DIR']).resolve() / 'vagvisare.sqlite3'}"

    async def go() -> EditorAccount | None:
        async with open_database(url) as sessions, sessions() as session:
            return await find_account(session=session, email=email)

    return asyncio.run(go())


def test_add_prints_a_password_once_that_matches_and_list_shows_the_account(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "users", "add", "Ayla@Example.org", "--role", "translator", "--languages", "ar, fa")
    assert code == 0
    found = PASSWORD_LINE.search(out)
    assert found is not None
    account = _account(env, "ayla@example.org")
    assert account is not None
    assert (account.role, account.languages) == (Role.TRANSLATOR, ["ar", "fa"])
    assert verify_password(account.password_hash, found.group(1))
    code, out, _ = _run(env, "users", "list")
    assert code == 0
    assert re.search(r"ayla@example\.org\s+translator\s+ar,fa\s+active", out)
    assert found.group(1) not in out


def test_password_gives_a_new_random_password(env: dict[str, str]) -> None:
    _, out, _ = _run(env, "users", "add", "ed@example.org", "--role", "editor")
    first = PASSWORD_LINE.search(out)
    code, out, _ = _run(env, "users", "password", "ED@example.org")
    second = PASSWORD_LINE.search(out)
    assert code == 0
    assert first is not None
    assert second is not None
    assert first.group(1) != second.group(1)
    account = _account(env, "ed@example.org")
    assert account is not None
    assert verify_password(account.password_hash, second.group(1))


def test_deactivate_stops_an_account(env: dict[str, str]) -> None:
    _run(env, "users", "add", "ed@example.org", "--role", "editor")
    code, out, _ = _run(env, "users", "deactivate", "ed@example.org")
    assert (code, out.strip()) == (0, "Deactivated ed@example.org.")
    account = _account(env, "ed@example.org")
    assert account is not None
    assert account.active is False
    assert "deactivated" in _run(env, "users", "list")[1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add", "x@example.org", "--role", "emperor"], 2, "unknown role 'emperor'"),
        (["add", "x@example.org", "--role", "translator", "--languages", "ar,xx"], 2, "unknown language 'xx'"),
        (["add", "x@example.org", "--role", "translator"], 2, "a translator needs --languages"),
        (["add", "not-an-address", "--role", "editor"], 1, "is not an e-mail address"),
        (["password", "nobody@example.org"], 1, "there is no account for nobody@example.org"),
        (["deactivate", "nobody@example.org"], 1, "there is no account for nobody@example.org"),
    ],
)
def test_mistakes_get_a_plain_message_and_an_exit_code(
    env: dict[str, str], args: list[str], code: int, message: str
) -> None:
    exit_code, _, err = _run(env, "users", *args)
    assert exit_code == code
    assert message in err
    assert "Traceback" not in err


def test_an_address_in_use_is_refused(env: dict[str, str]) -> None:
    _run(env, "users", "add", "ed@example.org", "--role", "editor")
    code, _, err = _run(env, "users", "add", "Ed@Example.org", "--role", "administrator")
    assert code == 1
    assert "there already is an account for ed@example.org" in err
