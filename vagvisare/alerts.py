"""Alerting staff when an urgent message reaches the inbox: by e-mail (SMTP) and/or in a Telegram staff chat.

The alert says which thread to open, in which language and since when; never the message, the person's name or
chat id (staff read the text in the admin, behind their login). Each alert is claimed before it is sent, so two
processes do not both send it; a failure is retried on the next round, five times, then the alert is marked failed
(the thread stays first in the inbox either way). Logs name the alert's number and the kind of failure only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from bot.channels import telegram
from content.models import utcnow
from content.repository.alerts import Alert, claim_alerts, finish_alert, release_claims
from translations.languages import BY_CODE
from vagvisare.settings import Settings

log = logging.getLogger(__name__)

ALERT_INTERVAL = 2.0  # seconds between looks for new alerts
SMTP_TIMEOUT = 15.0


class Channel(Protocol):
    """Sends one alert to staff, raising on failure."""

    name: str

    async def send(self, subject: str, body: str) -> None: ...


class EmailChannel:
    """An e-mail through the configured SMTP server (STARTTLS and login when configured)."""

    name = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
    ) -> None:
        self.host, self.port, self.sender, self.recipients = host, port, sender, list(recipients)
        self.username, self.password, self.starttls = username, password, starttls

    async def send(self, subject: str, body: str) -> None:
        await asyncio.to_thread(self._send, subject, body)

    def _send(self, subject: str, body: str) -> None:
        import smtplib  # only where alerts go by e-mail: the service does not carry the mail modules otherwise
        import ssl
        from email.message import EmailMessage

        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = subject, self.sender, ", ".join(self.recipients)
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class TelegramChannel:
    """A message to the staff's Telegram chat (a group the bot is a member of)."""

    name = "telegram"

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot, self.chat_id = bot, chat_id

    async def send(self, subject: str, body: str) -> None:
        await self.bot.send_message(chat_id=self.chat_id, text=f"{subject}\n\n{body}")


def compose(alert: Alert, admin_address: str) -> tuple[str, str]:
    """The alert's subject and text, in Swedish (the staff's language): which thread, never what it says."""
    language = BY_CODE[alert.lang].english_name if alert.lang in BY_CODE else alert.lang
    received = alert.created_at.strftime("%Y-%m-%d %H:%M UTC")
    subject = f"Vägvisare: brådskande meddelande i inkorgen (tråd {alert.thread_id})"
    body = (
        f"Ett meddelande med ord om fara har kommit till inkorgen {received}.\n"
        f"Tråd {alert.thread_id}, språk: {language}.\n"
        f"Öppna den: {admin_address.rstrip('/')}/inbox/{alert.thread_id}\n\n"
        "Texten visas bara i inkorgen, efter inloggning. Personen har fått larmnumret 112 och stödlinjerna i boten."
    )
    return subject, body


async def deliver_once(
    sessions: async_sessionmaker[AsyncSession], channels: Sequence[Channel], admin_address: str
) -> int:
    """Send the pending alerts through every channel that has not delivered them yet; return how many went out
    everywhere. A channel that failed is tried again next round; one that delivered is not (staff get each alert
    once per channel)."""
    async with sessions() as session, session.begin():
        alerts = await claim_alerts(session=session)
    sent = 0
    for alert in alerts:
        subject, body = compose(alert, admin_address)
        errors, delivered = [], []
        for channel in channels:
            if channel.name in alert.sent_by:
                continue
            try:
                await channel.send(subject, body)
            except Exception as error:
                errors.append(f"{channel.name}: {type(error).__name__}")
            else:
                delivered.append(channel.name)
        async with sessions() as session, session.begin():
            await finish_alert(
                session=session,
                alert_id=alert.id,
                now=utcnow(),
                error="; ".join(errors) or None,
                sent_by=tuple(delivered),
            )
        if errors:
            log.warning("Staff alert %d not sent (%s); trying again", alert.id, "; ".join(errors))
        else:
            sent += 1
            log.info("Staff alert %d sent", alert.id)
    return sent


async def send_alerts(
    sessions: async_sessionmaker[AsyncSession],
    channels: Sequence[Channel],
    admin_address: str,
    stop: asyncio.Event,
    interval: float = ALERT_INTERVAL,
) -> None:
    """Send alerts until `stop` is set."""
    async with sessions() as session, session.begin():
        await release_claims(session=session)
    while not stop.is_set():
        try:
            await deliver_once(sessions, channels, admin_address)
        except Exception:  # the database was away: try again next round
            log.exception("Sending staff alerts failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def configured_channels(settings: Settings) -> list[Channel]:
    """The channels the settings ask for (none: alerts wait in the database, and the inbox shows them first)."""
    channels: list[Channel] = []
    if settings.alert_email_to and not settings.smtp_host:
        log.warning("VAGVISARE_ALERT_EMAIL_TO is set but VAGVISARE_SMTP_HOST is not: no alert e-mails")
    if settings.alert_telegram_chat_id is not None and settings.telegram_token is None:
        log.warning("VAGVISARE_ALERT_TELEGRAM_CHAT_ID is set but there is no bot token: no Telegram alerts")
    if settings.alert_email_to and settings.smtp_host:
        channels.append(
            EmailChannel(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.alert_email_from,
                recipients=[address.strip() for address in settings.alert_email_to.split(",") if address.strip()],
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                starttls=settings.smtp_starttls,
            )
        )
    if settings.alert_telegram_chat_id is not None and settings.telegram_token is not None:
        bot = telegram.build_sender_bot(
            token=settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
        )
        channels.append(TelegramChannel(bot, settings.alert_telegram_chat_id))
    return channels


async def run_alerts(settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event) -> None:
    """The service's alert sender: the configured channels, the admin's address for the link."""
    channels = configured_channels(settings)
    if not channels:
        return
    bots = [channel.bot for channel in channels if isinstance(channel, TelegramChannel)]
    for bot in bots:
        await bot.initialize()
    try:
        await send_alerts(sessions, channels, settings.effective_admin_url, stop)
    finally:
        for bot in bots:
            await bot.shutdown()
