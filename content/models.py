"""Database tables of the content core (SQLModel); the same schema runs on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, String, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Vägvisare stores timezone-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(default: Any = dict) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


def _enum(default: Any = ..., *, index: bool = False) -> Any:
    # Plain strings in the database: no PostgreSQL enum types to migrate when a value is added.
    return Field(default=default, sa_type=String(16), index=index)


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ArticleKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    WORK = "work"
    INTRODUCTION = "introduction"
    FAQ = "faq"
    STORY = "story"
    HELP = "help"
    PATH = "path"  # a step-by-step plan for one situation ("my path")


class Section(enum.StrEnum):
    OVERVIEW = "overview"
    WORK = "work"
    HOUSING = "housing"
    INTRODUCTION = "introduction"
    CONTACTS = "contacts"
    ASSOCIATIONS = "associations"
    TRAVEL = "travel"  # getting there


class PublicationStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"


class TranslationStatus(enum.StrEnum):
    SOURCE = "source"
    MACHINE = "machine"
    REVIEWED = "reviewed"


class DemandLevel(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    EDITOR = "editor"
    TRANSLATOR = "translator"
    BROADCASTER = "broadcaster"


class Region(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=48)
    position: int = 0
    name: dict[str, str] = _json()
    description: dict[str, str] = _json()
    source: str | None = None


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=48)
    position: int = 0
    name: str
    names: dict[str, str] = _json()  # the name in other languages' scripts
    region_id: int = Field(foreign_key="region.id", index=True)
    county: str | None = None
    code: str | None = Field(default=None, max_length=4)  # the official municipality code (kommunkod), "2480"
    website: str | None = None
    search_terms: dict[str, list[str]] = _json()


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=48)
    kind: ArticleKind = _enum(index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    section: Section | None = _enum(None)
    status: PublicationStatus = _enum(PublicationStatus.DRAFT, index=True)
    source: str
    verified_at: date | None = None
    review_due: date | None = Field(default=None, index=True)
    example: bool = False
    version: int = 1  # version of the Swedish source text
    revision: int = 0  # number of the latest revision; lets a second editor's stale save be refused
    search_terms: dict[str, list[str]] = _json()
    related: list[str] = _json(list)  # slugs of the articles offered next
    updated_at: datetime = _timestamp()


class ArticleTranslation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("article_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    lang: str = Field(max_length=16)
    status: TranslationStatus = _enum()
    source_version: int | None = None  # the source version a translation was made from
    translated_by: str | None = Field(default=None, max_length=200)
    reviewed_by: str | None = Field(default=None, max_length=200)
    title: str
    summary: str = ""
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    keywords: list[str] = _json(list)
    updated_at: datetime = _timestamp()


class Occupation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=48)
    position: int = 0
    ssyk: str | None = None  # the SSYK 2012 occupation groups it covers, four digits each: "8331, 8332"
    name: dict[str, str] = _json()
    search_terms: dict[str, list[str]] = _json()


class OccupationDemand(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    occupation_id: int = Field(foreign_key="occupation.id", index=True, ondelete="CASCADE")
    position: int = 0
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    level: DemandLevel = _enum()
    source: str | None = None
    verified_at: date | None = None
    example: bool = False
    note: str | None = Field(default=None, sa_type=Text)  # an editor's local note, in Swedish, with its own source


class OpenDataSource(enum.StrEnum):
    """The official open data Vägvisare reads (docs/open-data-sources.md)."""

    JOBADS = "jobads"  # JobTech JobSearch: open job ads per occupation group and municipality
    OUTLOOK = "outlook"  # Arbetsförmedlingen's Yrkesbarometer: job prospects per occupation and county
    KOLADA = "kolada"  # Kolada: the municipalities' key figures


class DataSourceStatus(SQLModel, table=True):
    """How each open-data source last went: what the admin shows and the refresh schedule reads."""

    __tablename__ = "datasource"
    name: str = Field(primary_key=True, max_length=16)
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_success_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    via: str | None = Field(default=None, max_length=16)  # "fetch" or "import" (of a file)
    source_url: str | None = None
    data_date: date | None = None  # the data's own date, as the source gives it
    rows: int = 0
    rows_changed: int = 0  # rows added, removed or with another value than before, in the last success
    seconds: float | None = None
    error: str | None = Field(default=None, sa_type=Text)  # of the last attempt; None when it succeeded


class Heartbeat(SQLModel, table=True):
    """When a background worker last said it was alive (the outbox sender: "sender"), for the admin to show."""

    name: str = Field(primary_key=True, max_length=16)
    seen_at: datetime = _timestamp()


class LoginFailure(SQLModel, table=True):
    """A failed admin login, kept for the throttle's window; the address or client only as a keyed hash."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)  # HMAC-SHA-256 of "email:..." or "client:...", hex
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class JobAdCount(SQLModel, table=True):
    """Open job ads for one occupation in one municipality (JobTech JobSearch, or a JobStream snapshot file)."""

    __table_args__ = (UniqueConstraint("occupation_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occupation_id: int = Field(foreign_key="occupation.id", index=True, ondelete="CASCADE")
    municipality_id: int = Field(foreign_key="municipality.id", index=True, ondelete="CASCADE")
    ads: int
    newest: list[dict[str, str]] = _json(list)  # up to three of the newest ads: {"url": ..., "headline": ...}
    source_url: str
    data_date: date
    fetched_at: datetime = _timestamp()


class LabourOutlook(SQLModel, table=True):
    """Arbetsförmedlingen's judgement of one barometer occupation in one county (or the whole country)."""

    id: int | None = Field(default=None, primary_key=True)
    occupation_id: int = Field(foreign_key="occupation.id", index=True, ondelete="CASCADE")
    county: str | None = Field(default=None, max_length=2)  # the county code (länskod); None: the whole country
    barometer_occupation: str  # yb_yrke, as published
    ssyk: str  # the SSYK groups the barometer occupation covers, as published
    prospects: str  # jobbmojligheter: the job prospects now, as published ("stora", ...)
    recruitment: str | None = None  # rekryteringssituation, as published
    forecast: str | None = None  # prognos: demand in five years, as published
    round: str  # omgang: the barometer's edition
    source_url: str
    data_date: date
    fetched_at: datetime = _timestamp()


class KeyFigure(SQLModel, table=True):
    """One of a municipality's key figures for one year (Kolada)."""

    __table_args__ = (UniqueConstraint("municipality_id", "kpi", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True, ondelete="CASCADE")
    kpi: str = Field(max_length=16)
    year: int
    value: float
    source_url: str
    data_date: date
    fetched_at: datetime = _timestamp()


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=48)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    starts_spec: str  # as written in the content file: "2026-12-01 18:00" or, for examples, "today+14 18:00"
    duration_minutes: int | None = None
    place: str = ""
    capacity: int | None = None
    languages: list[str] = _json(list)
    interpreter: bool = False
    status: PublicationStatus = _enum(PublicationStatus.DRAFT)
    registration_open: bool = True
    example: bool = False
    version: int = 1
    revision: int = 0
    updated_at: datetime = _timestamp()


class EventTranslation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    lang: str = Field(max_length=16)
    status: TranslationStatus = _enum()
    source_version: int | None = None
    translated_by: str | None = Field(default=None, max_length=200)
    reviewed_by: str | None = Field(default=None, max_length=200)
    title: str
    body: str = Field(default="", sa_column=Column(Text, nullable=False))


class EditorAccount(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254)
    password_hash: str
    role: Role = _enum()
    languages: list[str] = _json(list)  # for translators: the languages they may edit
    active: bool = True
    created_at: datetime = _timestamp()


class Revision(SQLModel, table=True):
    """A full snapshot of a content record after each change; nothing an editor saves is ever lost."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32, index=True)  # region | municipality | article | occupation | event
    slug: str = Field(max_length=48, index=True)
    number: int  # 1, 2, 3 ... per entity and slug
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # None: deleted
    actor: str
    note: str = ""
    created_at: datetime = _timestamp()


class AuditEntry(SQLModel, table=True):
    """Who did what, when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp()
    actor: str
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    slug: str = Field(default="", max_length=48)
    detail: dict[str, Any] = _json()


class Situation(enum.StrEnum):
    """What a person says describes them; tailors what the bot shows first."""

    ASYLUM = "asylum"  # seeking asylum
    PERMIT = "permit"  # has a residence permit
    PROTECTION = "protection"  # temporary protection (Ukraine)
    QUOTA = "quota"  # a quota refugee (resettled through UNHCR)
    FAMILY = "family"  # came to join a family member
    OTHER = "other"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"


class BotUser(SQLModel, table=True):
    """A person using the bot: as little as the service needs, all of it deleted by /forget."""

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(unique=True, index=True, max_length=32)  # shown to staff instead of any Telegram id
    chat_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    lang: str | None = Field(default=None, max_length=16)  # None until the person chooses
    # The other language the bot last offered to switch to (a question was written in it), so it offers once.
    offered_lang: str | None = Field(default=None, max_length=16)
    situation: Situation | None = _enum(None)
    announcements: bool = True  # receives broadcasts of followed municipalities
    active: bool = True  # false once Telegram says the bot is blocked
    created_at: datetime = _timestamp()
    # The day (Swedish date, never the time) the person last used the bot: someone gone for long is deleted.
    last_seen: date | None = None
    # Set when the person agreed to write to staff: their next message (before this time) goes to the inbox.
    writing_to_staff_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Follow(SQLModel, table=True):
    """A municipality or topic a person follows, for its events and announcements."""

    __table_args__ = (UniqueConstraint("user_id", "kind", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="botuser.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)  # municipality | topic
    slug: str = Field(max_length=48)


class Registration(SQLModel, table=True):
    """A seat at an event, or a place on its waiting list."""

    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="botuser.id", index=True, ondelete="CASCADE")
    status: RegistrationStatus = _enum(RegistrationStatus.REGISTERED)
    created_at: datetime = _timestamp()
    reminded: bool = False


class Feedback(SQLModel, table=True):
    """An anonymous 👍/👎 on an answer: which article, which language, which day; never who."""

    id: int | None = Field(default=None, primary_key=True)
    article_slug: str = Field(max_length=48, index=True)
    lang: str = Field(max_length=16)
    helpful: bool
    day: date


class QuestionStat(SQLModel, table=True):
    """An anonymous count of questions asked: the day, the language, the best answer (none: a content gap)."""

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    lang: str = Field(max_length=16)
    answer_slug: str | None = Field(default=None, max_length=64)  # an article's slug, or "occupation:<slug>"


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # waits for its time; its deliveries are created when it starts
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    """Who receives a broadcast (always only people who have announcements on and have not blocked the bot)."""

    EVERYONE = "everyone"
    REGION = "region"  # followers of any municipality in a region
    MUNICIPALITY = "municipality"  # followers of a municipality
    LANGUAGE = "language"
    SITUATION = "situation"
    EVENT = "event"  # people registered (or waiting) for an event


class Broadcast(SQLModel, table=True):
    """An announcement to many people, written in Swedish and sent in each person's language."""

    id: int | None = Field(default=None, primary_key=True)
    status: BroadcastStatus = _enum(BroadcastStatus.DRAFT, index=True)
    audience: Audience = _enum(Audience.EVERYONE)
    audience_value: str = Field(default="", max_length=48)  # the region, municipality, language, ... chosen
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")  # adds "register"
    urgent: bool = False  # sent during quiet hours too
    scheduled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    recipients: int = 0  # deliveries created when it started
    # Once its delivery rows are deleted (a month after it finished: who got which message is not kept), the
    # counts by status and the errors the report shows: {"counts": {...}, "failures": {...}}.
    report: dict[str, Any] = _json()
    author: str
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class BroadcastText(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("broadcast_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True, ondelete="CASCADE")
    lang: str = Field(max_length=16)
    status: TranslationStatus = _enum()
    text: str = Field(default="", sa_column=Column(Text, nullable=False))


class DeliveryKind(enum.StrEnum):
    BROADCAST = "broadcast"  # ref: the broadcast
    REMINDER = "reminder"  # ref: the event, the day before
    EVENT_CHANGE = "event"  # ref: the event; detail: moved:<revision> or cancelled:<revision>
    REPLY = "reply"  # ref: the staff's inbox message
    SEAT_FREED = "seat"  # ref: the event the person moved up to from its waiting list


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by the sender; back to pending if the sender died
    SENT = "sent"
    FAILED = "failed"  # gave up after retries, or Telegram refused the message
    BLOCKED = "blocked"  # the person blocked the bot (or deleted their account)
    CANCELLED = "cancelled"


class Delivery(SQLModel, table=True):
    """One message to one person through the outbox: broadcasts, reminders, event changes and staff answers."""

    __table_args__ = (UniqueConstraint("kind", "ref", "detail", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: DeliveryKind = _enum()
    ref: int
    detail: str = Field(default="", max_length=32)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="botuser.id", index=True, ondelete="CASCADE")
    status: DeliveryStatus = _enum(DeliveryStatus.PENDING, index=True)
    urgent: bool = False
    not_before: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    failures: int = 0
    error: str | None = Field(default=None, max_length=64)  # what went wrong, never the message
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class InboxThread(SQLModel, table=True):
    """A person's question to staff; stored only because they chose to send it, deleted after retention."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="botuser.id", index=True, ondelete="CASCADE")
    lang: str = Field(max_length=16)
    status: ThreadStatus = _enum(ThreadStatus.OPEN, index=True)
    urgent: bool = False  # the person used words of danger; shown first
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))


class AlertStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    FAILED = "failed"  # gave up after retries


class StaffAlert(SQLModel, table=True):
    """Staff must look at an urgent message in the inbox. The alert names the thread, never the message or chat."""

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="inboxthread.id", index=True, ondelete="CASCADE")
    status: AlertStatus = _enum(AlertStatus.PENDING, index=True)
    failures: int = 0
    error: str | None = Field(default=None, max_length=64)  # the kind of failure, never the message
    sent_by: list[str] = _json(list)  # the channels ("email", "telegram") that have delivered it: a retry skips them
    created_at: datetime = _timestamp()
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class InboxMessage(SQLModel, table=True):
    """A message in a thread: the person's text with its Swedish machine translation, or a staff answer."""

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="inboxthread.id", index=True, ondelete="CASCADE")
    from_staff: bool = False
    staff: str | None = Field(default=None, max_length=254)  # the answering account
    text: str = Field(sa_column=Column(Text, nullable=False))  # as written: the person's language, or Swedish
    translation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Swedish / the person's
    translated_by_machine: bool = False
    created_at: datetime = _timestamp()
