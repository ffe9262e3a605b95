"""Settings: every setting declared once, with its default and help text; read only by the command line."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
MAX_FREE_BROADCAST_RATE = 30.0
MAX_PAID_BROADCAST_RATE = 1000.0


class Settings(BaseSettings):
    """Vägvisare's settings, from `VAGVISARE_*` environment variables (or arguments in tests)."""

    model_config = SettingsConfigDict(env_prefix="VAGVISARE_", extra="ignore")

    data_dir: Path = Field(
        DEFAULT_DATA_DIR,
        description="Directory for the SQLite file, the generated secret key and installed Argos packages.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy async URL, e.g. `postgresql+asyncpg://user@host/db`. "
        "Default: `sqlite+aiosqlite:///<data_dir>/vagvisare.sqlite3`.",
    )
    telegram_token: SecretStr | None = Field(
        None, description="Bot token from @BotFather. Without it the bot does not start."
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL; change it for a self-hosted Bot API server or a test emulator.",
    )
    bot_username: str | None = Field(
        None,
        description="The bot's Telegram username (from @BotFather, without `@`), for the admin's deep links and "
        "QR codes (`https://t.me/<bot_username>?start=...`).",
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL for Telegram webhooks. Without it the bot uses long polling."
    )
    webhook_secret: SecretStr | None = Field(
        None,
        description="Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` with each webhook call. "
        "Default: derived from the session key.",
    )
    admin_host: str = Field("127.0.0.1", description="Address the admin web tool listens on.")
    admin_port: int = Field(8080, ge=1, le=65535, description="Port the admin web tool listens on.")
    admin_url: str | None = Field(
        None,
        description="Public address of the admin when it is served through a reverse proxy "
        "(`https://...` makes session cookies `Secure`).",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="Key for signing and encrypting admin sessions. "
        "Default: generated into `<data_dir>/secret_key` on first run.",
    )
    argos_packages_dir: Path | None = Field(
        None, description="Where installed Argos Translate packages live. Default: `<data_dir>/argos-packages`."
    )
    broadcast_rate: float = Field(
        25.0,
        gt=0,
        le=MAX_PAID_BROADCAST_RATE,
        description="Messages per second from the outbox (announcements, reminders, staff answers), across all "
        "processes. Telegram allows about 30; more only with `paid_broadcasts`.",
    )
    paid_broadcasts: bool = Field(
        False,
        description="Telegram's paid broadcasts are enabled for the bot: allows a `broadcast_rate` above 30 "
        "(up to 1000; Telegram charges Stars for each message over 30 per second).",
    )
    inbox_retention_days: int = Field(
        90, ge=1, le=3650, description="Days a closed staff-inbox conversation is kept before it is deleted."
    )
    inbox_answer_days: int = Field(
        2, ge=1, le=30, description="Working days within which the bot tells people staff usually answer."
    )
    delivery_retention_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Days after a broadcast finished (or a reminder was dealt with) before the record of who got it "
        "is deleted; the broadcast's report keeps the counts.",
    )
    inactive_user_days: int = Field(
        365,
        ge=30,
        le=3650,
        description="Days after a person last used the bot before everything about them is deleted, as by /forget.",
    )
    blocked_user_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Days after a person who blocked the bot last used it before everything about them is deleted "
        "(they can no longer send /forget themselves).",
    )
    load_starter_content: bool = Field(True, description="On `run`, load the starter content into an empty database.")
    example_content: bool = Field(
        False,
        description="Also load the made-up example events and demand rows (labelled as examples wherever they "
        "show) with the starter content, and with `content load`. `make run` turns it on so a new database shows "
        "every feature; leave it off in production.",
    )
    alert_email_to: str | None = Field(
        None,
        description="Staff e-mail addresses (comma-separated) alerted when an urgent message reaches the inbox; "
        "needs `VAGVISARE_SMTP_HOST`. The alert names the thread, never the message.",
    )
    alert_email_from: str = Field("vagvisare@localhost", description="Sender address of the alert e-mails.")
    smtp_host: str | None = Field(None, description="SMTP server for the alert e-mails.")
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(None, description="SMTP login, if the server asks for one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(True, description="Encrypt the SMTP connection with STARTTLS.")
    alert_telegram_chat_id: int | None = Field(
        None,
        description="Telegram chat (a staff group the bot is a member of; group ids are negative) that is alerted "
        "when an urgent message reaches the inbox; needs `VAGVISARE_TELEGRAM_TOKEN`.",
    )
    open_data_refresh: bool = Field(
        True,
        description="`run` refreshes the official open data (job ads, Arbetsförmedlingen's outlook, Kolada's key "
        "figures) on the schedule below, each in a short-lived child process; off: only `vagvisare data fetch` "
        "or `data import` fill them.",
    )
    refresh_jobads_hours: float = Field(
        24, ge=0, description="Hours between refreshes of the open job ads (JobTech JobSearch); 0: never."
    )
    refresh_outlook_hours: float = Field(
        168, ge=0, description="Hours between refreshes of Arbetsförmedlingen's Yrkesbarometer; 0: never."
    )
    refresh_kolada_hours: float = Field(
        168, ge=0, description="Hours between refreshes of the municipalities' key figures (Kolada); 0: never."
    )
    jobsearch_url: str = Field(
        "https://jobsearch.api.jobtechdev.se", description="JobTech JobSearch API (open job ads)."
    )
    jobsearch_api_key: SecretStr | None = Field(
        None,
        description="API key for JobSearch, sent as `api-key`, if JobTech asks for one (apirequest.jobtechdev.se).",
    )
    outlook_url: str = Field(
        "https://arbetsformedlingen.se/statistik/yrkes--och-kompetensanalyser",
        description="Arbetsförmedlingen's page that links to the Yrkesbarometer workbook (.xlsx), or the workbook.",
    )
    kolada_url: str = Field("https://api.kolada.se/v3", description="Kolada's API (the municipalities' key figures).")
    open_data_rate: float = Field(
        2.0, gt=0, le=20, description="Requests per second to an open-data source at most (JobTech asks for restraint)."
    )
    open_data_contact: str | None = Field(
        None,
        description="A contact address (e-mail or web page) added to the User-Agent of open-data requests, so an "
        "agency can reach the installation's operator.",
    )
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING or ERROR.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("bot_username")
    @classmethod
    def _telegram_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        name = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", name):
            raise ValueError("must be a Telegram username: 5-32 letters, digits or _, starting with a letter")
        return name

    @model_validator(mode="after")
    def _free_rate(self) -> Settings:
        if self.broadcast_rate > MAX_FREE_BROADCAST_RATE and not self.paid_broadcasts:
            raise ValueError(
                "broadcast_rate above 30 messages per second needs paid broadcasts (VAGVISARE_PAID_BROADCASTS=true)"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """Return the configured database URL or the embedded SQLite default."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'vagvisare.sqlite3').resolve()}"

    @property
    def effective_admin_url(self) -> str:
        """Return the admin's address as staff open it: the public one, or the local one."""
        return self.admin_url or f"http://{self.admin_host}:{self.admin_port}/"

    @property
    def effective_argos_dir(self) -> Path:
        """Return where Argos packages are installed."""
        return self.argos_packages_dir or self.data_dir / "argos-packages"

    @property
    def effective_webhook_secret(self) -> str:
        """Return the webhook secret: the configured one, or one derived from the session key."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        # Telegram allows A-Z, a-z, 0-9, _ and - (1-256 characters).
        digest = hashlib.sha256(("webhook:" + self.ensure_secret_key()).encode()).hexdigest()
        return digest

    def ensure_secret_key(self) -> str:
        """Return the session key, generating and storing one in the data directory on first use."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.touch(mode=0o600)
        path.write_text(key + "\n")
        return key
