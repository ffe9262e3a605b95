"""Accounts and the audit log: administrators manage accounts, everyone changes their own password."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.passwords import verify_password
from content.models import AuditEntry, Role
from content.repository.accounts import find_account
from tests.admin.conftest import PASSWORD, Client, Login

SHOWN_PASSWORD = re.compile(r'<code class="password">([^<]+)</code>')
NEW_PASSWORD = "a brand new passphrase here"


async def _english(person: Client) -> None:
    await person.post("/language", {"lang": "en", "next": "/"})


async def _id_of(sessions: async_sessionmaker[AsyncSession], email: str) -> int:
    async with sessions() as session:
        account = await find_account(session=session, email=email)
    assert account is not None
    assert account.id is not None
    return account.id


async def test_a_new_account_gets_a_password_shown_once_that_logs_in(
    login_as: Login, client: Callable[[], Client], admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    status, page = await admin.post(
        "/accounts", {"email": " New.Translator@Example.org ", "role": "translator", "languages": ["ar", "fa"]}
    )
    assert status == 200
    found = SHOWN_PASSWORD.search(page)
    assert found is not None
    password = found.group(1)
    async with admin_sessions() as session:
        account = await find_account(session=session, email="new.translator@example.org")
    assert account is not None
    assert (account.role, account.languages, account.active) == (Role.TRANSLATOR, ["ar", "fa"], True)
    assert verify_password(account.password_hash, password)
    assert password not in (await admin.get(f"/accounts/{account.id}"))[1]  # shown only that once
    newcomer = client()
    status, page = await newcomer.login("new.translator@example.org", password)
    assert status == 200
    assert "new.translator@example.org" in page


async def test_bad_input_for_a_new_account_is_shown_with_the_input_kept(login_as: Login) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    await _english(admin)
    status, page = await admin.post("/accounts", {"email": "someone@example.org", "role": "emperor"})
    assert status == 400
    assert "Choose a role." in page
    assert 'value="someone@example.org"' in page
    status, page = await admin.post("/accounts", {"email": "t@example.org", "role": "translator"})
    assert (status, "Choose the languages a translator may edit." in page) == (400, True)
    status, page = await admin.post("/accounts", {"email": "t@example.org", "role": "translator", "languages": "xx"})
    assert (status, "Choose languages from the list." in page) == (400, True)
    status, page = await admin.post("/accounts", {"email": "not an address", "role": "editor"})
    assert (status, "Enter an e-mail address." in page) == (400, True)
    status, page = await admin.post("/accounts", {"email": "ADMINISTRATOR-0@example.org", "role": "editor"})
    assert (status, "There already is an account for this address." in page) == (400, True)


async def test_a_role_change_takes_effect_on_the_next_request(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    editor = await login_as(Role.EDITOR)
    assert (await editor.get("/transfer"))[0] == 200
    editor_id = await _id_of(admin_sessions, "editor-1@example.org")
    status, _ = await admin.post(f"/accounts/{editor_id}", {"role": "broadcaster"})
    assert status == 200
    assert (await editor.get("/transfer"))[0] == 403
    assert (await editor.get("/try"))[0] == 200


async def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    await _english(admin)
    me = await _id_of(admin_sessions, "administrator-0@example.org")
    status, page = await admin.post(f"/accounts/{me}", {"role": "editor"})
    assert (status, "last active administrator" in page) == (400, True)
    status, page = await admin.post(f"/accounts/{me}/active", {"active": "0"})
    assert (status, "last active administrator" in page) == (400, True)
    async with admin_sessions() as session:
        account = await find_account(session=session, email="administrator-0@example.org")
    assert account is not None
    assert (account.role, account.active) == (Role.ADMINISTRATOR, True)
    # With a second administrator, the first may step down.
    await login_as(Role.ADMINISTRATOR)
    status, _ = await admin.post(f"/accounts/{me}", {"role": "editor"})
    assert status == 200
    assert (await admin.get("/accounts"))[0] == 403


async def test_a_deactivated_account_is_logged_out_and_can_be_reactivated(
    login_as: Login, client: Callable[[], Client], admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    editor = await login_as(Role.EDITOR)
    editor_id = await _id_of(admin_sessions, "editor-1@example.org")
    await admin.post(f"/accounts/{editor_id}/active", {"active": "0"})
    assert (await editor.response("GET", "/", allow_redirects=False)).status == 302
    assert (await client().login("editor-1@example.org"))[0] == 401
    await admin.post(f"/accounts/{editor_id}/active", {"active": "1"})
    assert (await client().login("editor-1@example.org"))[0] == 200


async def test_a_reset_password_is_shown_once_and_ends_the_accounts_sessions(
    login_as: Login, client: Callable[[], Client], admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    editor = await login_as(Role.EDITOR)
    editor_id = await _id_of(admin_sessions, "editor-1@example.org")
    status, page = await admin.post(f"/accounts/{editor_id}/password")
    found = SHOWN_PASSWORD.search(page)
    assert status == 200
    assert found is not None
    assert (await editor.response("GET", "/", allow_redirects=False)).status == 302
    assert (await client().login("editor-1@example.org", found.group(1)))[0] == 200
    assert (await client().login("editor-1@example.org", PASSWORD))[0] == 401


async def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(
    login_as: Login, client: Callable[[], Client]
) -> None:
    here = await login_as(Role.TRANSLATOR, ["ar"])
    await _english(here)
    elsewhere = client()
    assert (await elsewhere.login("translator-0@example.org"))[0] == 200
    status, page = await here.post("/account", {"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert status == 200
    assert "Other browsers logged in to your account are logged out." in page
    assert (await here.get("/account", follow=False))[0] == 200
    assert (await elsewhere.response("GET", "/", allow_redirects=False)).status == 302
    assert (await client().login("translator-0@example.org", NEW_PASSWORD))[0] == 200


async def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(login_as: Login) -> None:
    me = await login_as(Role.BROADCASTER)
    await _english(me)
    attempts = [
        ({"current": "wrong", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}, "The current password is wrong."),
        ({"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD + "x"}, "The two new passwords differ."),
        ({"current": PASSWORD, "new": "short", "repeat": "short"}, "at least 12 characters"),
    ]
    for form, message in attempts:
        status, page = await me.post("/account", form)
        assert (status, message in page) == (400, True)
    assert (await me.get("/", follow=False))[0] == 200


async def test_accounts_are_for_administrators_only(login_as: Login) -> None:
    for role in (Role.EDITOR, Role.TRANSLATOR, Role.BROADCASTER):
        person = await login_as(role, ["ar"] if role == Role.TRANSLATOR else None)
        assert (await person.get("/accounts"))[0] == 403
        assert (await person.post("/accounts", {"email": "x@example.org", "role": "administrator"}))[0] == 403
        assert (await person.get("/audit"))[0] == 403
        assert (await person.get("/account"))[0] == 200


async def test_the_audit_log_shows_who_changed_what_newest_first_and_filters(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await login_as(Role.ADMINISTRATOR)
    await _english(admin)
    await admin.post("/accounts", {"email": "audited@example.org", "role": "editor"})
    audited = await _id_of(admin_sessions, "audited@example.org")
    await admin.post(f"/accounts/{audited}", {"role": "broadcaster"})
    status, page = await admin.get("/audit?entity=account")
    assert status == 200
    rows = re.findall(r"<tr>\s*<td class=\"mono\">.*?</tr>", page, re.S)
    assert "audited@example.org" in rows[0]
    assert "role: broadcaster" in rows[0]
    assert "audited@example.org" in rows[1]
    assert "create" in rows[1]
    assert "administrator-0@example.org" in rows[0]  # who
    _, page = await admin.get("/audit?actor=starter-content")
    assert "audited@example.org" not in page
    _, page = await admin.get("/audit?actor=nobody&page=x")
    assert "0 entries" in page


async def test_the_audit_log_is_paginated(login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]) -> None:
    async with admin_sessions() as session, session.begin():
        session.add_all(AuditEntry(actor="bulk@example.org", action="update", entity="article") for _ in range(60))
    admin = await login_as(Role.ADMINISTRATOR)
    _, first = await admin.get("/audit?actor=bulk@example.org")
    _, second = await admin.get("/audit?actor=bulk@example.org&page=2")
    assert first.count("bulk@example.org</td>") == 50
    assert second.count("bulk@example.org</td>") == 10
    assert 'href="/audit?actor=bulk%40example.org&amp;page=2"' in first
