"""Accounts: administrators create, change and deactivate accounts; everyone changes their own password."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_session import get_session
from multidict import MultiMapping
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.access import ADMINISTRATION, ALL_ROLES, allow
from admin.auth import stamp
from admin.passwords import hash_password, password_problem, random_password, verify_password
from admin.render import SERVICES, account_of, actor_of, flash, redirect, render
from content.models import EditorAccount, Role
from content.repository.accounts import (
    count_active_administrators,
    create_account,
    get_account,
    list_accounts,
    update_account,
)
from content.repository.records import ContentError
from translations.catalogs import N_
from translations.languages import LANGUAGES, SOURCE_LANGUAGE

routes = web.RouteTableDef()
ROLE_NAMES = {
    Role.ADMINISTRATOR: N_("Administrator"),
    Role.EDITOR: N_("Editor"),
    Role.TRANSLATOR: N_("Translator"),
    Role.BROADCASTER: N_("Broadcaster"),
}
# Translators translate from Swedish, so Swedish is not among the languages they may be given.
TRANSLATION_LANGUAGES = [language for language in LANGUAGES if language.code != SOURCE_LANGUAGE]
LAST_ADMIN = N_("This is the last active administrator: make another account an administrator first.")


def _choices(form: MultiMapping[Any]) -> tuple[Role | None, list[str], str | None]:
    """Read the role and languages of a form; return them and what is wrong, if anything."""
    try:
        role = Role(str(form.get("role", "")))
    except ValueError:
        return None, [], N_("Choose a role.")
    languages = [str(code) for code in form.getall("languages", [])]
    known = {language.code for language in TRANSLATION_LANGUAGES}
    if any(code not in known for code in languages):
        return role, [], N_("Choose languages from the list.")
    if role == Role.TRANSLATOR and not languages:
        return role, [], N_("Choose the languages a translator may edit.")
    return role, languages if role == Role.TRANSLATOR else [], None


async def _leaves_no_administrator(
    db: AsyncSession, account: EditorAccount, *, role: Role | None = None, active: bool | None = None
) -> bool:
    """Return whether the change would leave no active administrator."""
    if account.role != Role.ADMINISTRATOR or not account.active:
        return False
    if (role is None or role == Role.ADMINISTRATOR) and active is not False:
        return False
    return await count_active_administrators(session=db) <= 1


async def _list_page(request: web.Request, *, status: int = 200, **context: Any) -> web.StreamResponse:
    async with request.app[SERVICES].sessions() as db:
        accounts = await list_accounts(session=db)
    values: dict[str, Any] = {
        "accounts": accounts,
        "error": None,
        "email": "",
        "chosen_role": "",
        "chosen_languages": [],
    }
    values |= {"role_names": ROLE_NAMES, "translation_languages": TRANSLATION_LANGUAGES, **context}
    return await render(request, "accounts/list.html", values, status=status)


async def _account_or_404(db: AsyncSession, request: web.Request) -> EditorAccount:
    try:
        account_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    account = await get_account(session=db, account_id=account_id)
    if account is None:
        raise web.HTTPNotFound()
    return account


async def _show_password(request: web.Request, account: EditorAccount, password: str, created: bool) -> web.Response:
    # Rendered, not redirected: the password exists only in this one answer (never in the session or a flash).
    context = {"shown": account, "password": password, "created": created}
    return await render(request, "accounts/password.html", context)


@routes.get("/accounts")
@allow(ADMINISTRATION)
async def accounts(request: web.Request) -> web.StreamResponse:
    """List the accounts, with a form for a new one."""
    return await _list_page(request)


@routes.post("/accounts")
@allow(ADMINISTRATION)
async def add_account(request: web.Request) -> web.StreamResponse:
    """Create an account with a random password, shown once."""
    form = await request.post()
    email = str(form.get("email", "")).strip()[:254]
    role, languages, error = _choices(form)
    kept = {
        "email": email,
        "chosen_role": role or "",
        "chosen_languages": [str(c) for c in form.getall("languages", [])],
    }
    if error is not None or role is None:
        return await _list_page(request, status=400, error=error, **kept)
    password = random_password()
    try:
        async with request.app[SERVICES].sessions() as db, db.begin():
            account = await create_account(
                session=db,
                email=email,
                password_hash=hash_password(password),
                role=role,
                languages=languages,
                actor=actor_of(request),
            )
    except ContentError as problem:
        message = N_("There already is an account for this address.") if "already" in str(problem) else None
        return await _list_page(request, status=400, error=message or N_("Enter an e-mail address."), **kept)
    return await _show_password(request, account, password, created=True)


@routes.get(r"/accounts/{id:\d+}")
@allow(ADMINISTRATION)
async def account_page(request: web.Request) -> web.StreamResponse:
    """One account: its role and languages, activation and a new password."""
    async with request.app[SERVICES].sessions() as db:
        shown = await _account_or_404(db, request)
    return await _edit_page(request, shown)


async def _edit_page(
    request: web.Request, shown: EditorAccount, *, status: int = 200, error: str | None = None
) -> web.StreamResponse:
    context = {
        "shown": shown,
        "error": error,
        "role_names": ROLE_NAMES,
        "translation_languages": TRANSLATION_LANGUAGES,
        "is_self": shown.id == account_of(request).id,
    }
    return await render(request, "accounts/edit.html", context, status=status)


@routes.post(r"/accounts/{id:\d+}")
@allow(ADMINISTRATION)
async def change_account(request: web.Request) -> web.StreamResponse:
    """Change an account's role and languages; the last active administrator stays one."""
    form = await request.post()
    role, languages, error = _choices(form)
    async with request.app[SERVICES].sessions() as db, db.begin():
        shown = await _account_or_404(db, request)
        if error is None and role is not None and await _leaves_no_administrator(db, shown, role=role):
            error = LAST_ADMIN
        if error is not None or role is None:
            return await _edit_page(request, shown, status=400, error=error)
        await update_account(session=db, account=shown, actor=actor_of(request), role=role, languages=languages)
    await flash(request, "Saved the account {email}.", email=shown.email)
    stepped_down = shown.id == account_of(request).id and role != Role.ADMINISTRATOR
    raise redirect("/" if stepped_down else f"/accounts/{shown.id}")


@routes.post(r"/accounts/{id:\d+}/active")
@allow(ADMINISTRATION)
async def set_active(request: web.Request) -> web.StreamResponse:
    """Deactivate an account (its sessions end at once) or reactivate it."""
    form = await request.post()
    active = form.get("active") == "1"
    async with request.app[SERVICES].sessions() as db, db.begin():
        shown = await _account_or_404(db, request)
        if await _leaves_no_administrator(db, shown, active=active):
            return await _edit_page(request, shown, status=400, error=LAST_ADMIN)
        await update_account(session=db, account=shown, actor=actor_of(request), active=active)
    if active:
        await flash(request, "The account {email} can log in again.", email=shown.email)
    else:
        await flash(request, "The account {email} is deactivated.", email=shown.email)
    raise redirect(f"/accounts/{shown.id}")


@routes.post(r"/accounts/{id:\d+}/password")
@allow(ADMINISTRATION)
async def reset_password(request: web.Request) -> web.StreamResponse:
    """Give an account a new random password, shown once; its sessions end."""
    password = random_password()
    async with request.app[SERVICES].sessions() as db, db.begin():
        shown = await _account_or_404(db, request)
        await update_account(session=db, account=shown, actor=actor_of(request), password_hash=hash_password(password))
    if shown.id == account_of(request).id:
        (await get_session(request))["stamp"] = stamp(shown)  # this browser stays logged in
    return await _show_password(request, shown, password, created=False)


@routes.get("/account")
@allow(ALL_ROLES)
async def my_account(request: web.Request) -> web.StreamResponse:
    """The logged-in person's own account: role, languages and a form to change the password."""
    return await _my_page(request)


async def _my_page(request: web.Request, *, status: int = 200, error: str | None = None) -> web.StreamResponse:
    context = {"error": error, "role_names": ROLE_NAMES, "languages_by_code": {lang.code: lang for lang in LANGUAGES}}
    return await render(request, "accounts/mine.html", context, status=status)


@routes.post("/account")
@allow(ALL_ROLES)
async def change_my_password(request: web.Request) -> web.StreamResponse:
    """Change one's own password; every other session of the account ends, this one stays."""
    form = await request.post()
    current = str(form.get("current", ""))[:1024]
    new = str(form.get("new", ""))[:1024]
    if new != str(form.get("repeat", ""))[:1024]:
        return await _my_page(request, status=400, error=N_("The two new passwords differ."))
    problem = password_problem(new)
    if problem is not None:
        return await _my_page(request, status=400, error=problem)
    me = account_of(request)
    async with request.app[SERVICES].sessions() as db, db.begin():
        account = await get_account(session=db, account_id=me.id or 0)
        if account is None or not verify_password(account.password_hash, current):
            return await _my_page(request, status=400, error=N_("The current password is wrong."))
        await update_account(session=db, account=account, actor=account.email, password_hash=hash_password(new))
    (await get_session(request))["stamp"] = stamp(account)
    await flash(request, "Your password is changed. Other browsers logged in to your account are logged out.")
    raise redirect("/account")
