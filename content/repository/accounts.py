"""Editor accounts: who may log in to the admin, with which role and (for translators) which languages."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import AuditEntry, EditorAccount, Role
from content.repository.records import ContentError


def normalise_email(email: str) -> str:
    """Return the form an e-mail address is stored and looked up in."""
    return email.strip().lower()


async def count_accounts(*, session: AsyncSession) -> int:
    """Return how many accounts exist (active or not)."""
    return int(await session.scalar(select(func.count()).select_from(EditorAccount)) or 0)


async def get_account(*, session: AsyncSession, account_id: int) -> EditorAccount | None:
    """Return the account with this id."""
    return await session.get(EditorAccount, account_id)


async def find_account(*, session: AsyncSession, email: str) -> EditorAccount | None:
    """Return the account with this e-mail address (any case)."""
    query = select(EditorAccount).where(EditorAccount.email == normalise_email(email))
    return (await session.exec(query)).first()


async def list_accounts(*, session: AsyncSession) -> list[EditorAccount]:
    """Return every account, by e-mail address."""
    return list((await session.exec(select(EditorAccount).order_by(col(EditorAccount.email)))).all())


async def create_account(
    *,
    session: AsyncSession,
    email: str,
    password_hash: str,
    role: Role,
    languages: list[str] | None = None,
    actor: str,
) -> EditorAccount:
    """Create an account; an address already in use is refused."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 254 or any(c.isspace() for c in address):
        raise ContentError(f"{email!r} is not an e-mail address")
    if await find_account(session=session, email=address) is not None:
        raise ContentError(f"there already is an account for {address}")
    account = EditorAccount(email=address, password_hash=password_hash, role=role, languages=languages or [])
    session.add(account)
    session.add(AuditEntry(actor=actor, action="create", entity="account", slug=address[:48], detail={"role": role}))
    await session.flush()
    return account


async def update_account(
    *,
    session: AsyncSession,
    account: EditorAccount,
    actor: str,
    role: Role | None = None,
    languages: list[str] | None = None,
    active: bool | None = None,
    password_hash: str | None = None,
) -> EditorAccount:
    """Change an account; only the given fields change, and the change is audited (never the password)."""
    detail: dict[str, object] = {}
    if role is not None and role != account.role:
        account.role, detail["role"] = role, role
    if languages is not None and languages != account.languages:
        account.languages, detail["languages"] = list(languages), list(languages)
    if active is not None and active != account.active:
        account.active, detail["active"] = active, active
    if password_hash is not None:
        account.password_hash, detail["password"] = password_hash, "changed"
    if detail:
        session.add(account)
        session.add(AuditEntry(actor=actor, action="update", entity="account", slug=account.email[:48], detail=detail))
        await session.flush()
    return account


async def count_active_administrators(*, session: AsyncSession) -> int:
    """Return how many active administrator accounts exist (the last one may not be demoted or deactivated)."""
    query = (
        select(func.count())
        .select_from(EditorAccount)
        .where(EditorAccount.role == Role.ADMINISTRATOR, col(EditorAccount.active).is_(True))
    )
    return int(await session.scalar(query) or 0)
