"""Pushing the reminders of one collection date, each exactly once.

For every subscriber due that day, a :class:`~bot.catalog.models.ReminderDelivery` row is
written and committed *before* the push. The row is unique per subscriber and date, so a
second run for the same date, or a second app worker starting the same run at the same
moment, fails to write it and pushes nothing. A row left ``sending`` long after it was
taken belonged to a sender that died between writing it and finishing; the next run takes
it over and pushes again with the row's ``X-Line-Retry-Key``, which LINE answers with 409
if it had accepted the first push: sent, and not twice.

The push goes through line-bot-sdk to ``LINE_API_BASE_URL``, with the retry key on every
attempt (as LINE asks); 429 and 5xx answers, timeouts and lost connections are tried again
after a growing wait (LINE's ``Retry-After`` when it gives one). A 403 is taken for a user
who blocked the account: the reminder is marked ``blocked`` and the subscriber skipped from
then on. LINE's "monthly limit" 429 ends the run: no other push could get through.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    TextMessage,
)
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.calendar import today_in_tokyo
from bot.catalog.models import (
    REMINDER_BLOCKED,
    REMINDER_FAILED,
    REMINDER_SENDING,
    REMINDER_SENT,
    ReminderDelivery,
    utcnow,
)
from bot.catalog.translations import Translations
from bot.i18n.voice import Voice
from bot.line.channel import error_text
from bot.reminders.due import DueReminder, due_on, reminder_text
from bot.reminders.subscriptions import mark_blocked
from bot.settings import Settings

logger = logging.getLogger(__name__)

#: Attempts at one push before it is given up, and the waits between them (doubling).
MAX_ATTEMPTS = 5
FIRST_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0
#: A ``sending`` row older than this was left by a sender that died: taken over. Far
#: longer than one push can take with all its attempts.
CLAIM_LEASE = timedelta(minutes=10)
#: Pushes under way at once: LINE allows 2,000 push requests a second, a ward's few
#: thousand subscribers go out in seconds at this rate without a burst of 429s.
CONCURRENT_PUSHES = 8
API_TIMEOUT_SECONDS = 10
#: How LINE says the channel's monthly message quota is used up (a 429 no wait helps).
MONTHLY_LIMIT = "monthly limit"


class LineNotConfiguredError(RuntimeError):
    """No channel access token: nothing can be pushed."""


class QuotaExhaustedError(RuntimeError):
    """LINE refuses every push until the month's quota is raised or renewed."""


@dataclass
class SendReport:
    """What one run did for one collection date."""

    day: date
    sent: int = 0
    #: Due, but already sent (or being sent) by another run, or blocked earlier.
    skipped: int = 0
    #: Not sent: LINE refused, did not answer after every attempt, or the quota ran out.
    failed: int = 0
    #: Of ``failed``: LINE said the user blocked the account.
    blocked: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        blocked = f" (blocked {self.blocked})" if self.blocked else ""
        return (
            f"reminders for {self.day.isoformat()}: sent {self.sent}, "
            f"skipped {self.skipped}, failed {self.failed}{blocked}"
        )


@dataclass(frozen=True)
class _Push:
    outcome: str
    attempts: int
    error: str = ""


class ReminderSender:
    """Sends the reminders of a date. ``first_wait`` (seconds) is the first wait between
    attempts; tests shorten it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        api_base_url: str,
        access_token: str,
        *,
        today: Callable[[], date] = today_in_tokyo,
        first_wait: float = FIRST_WAIT_SECONDS,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._sessions = sessions
        self._configuration = Configuration(host=api_base_url, access_token=access_token)
        self._today = today
        self._first_wait = first_wait
        self._max_attempts = max_attempts

    @classmethod
    def from_settings(
        cls, settings: Settings, sessions: sessionmaker[Session], **options: float
    ) -> ReminderSender:
        token = settings.line_channel_access_token
        if token is None:
            raise LineNotConfiguredError(
                "LINE_CHANNEL_ACCESS_TOKEN is not set: reminders cannot be pushed."
            )
        return cls(
            sessions,
            settings.line_api_base_url,
            token.get_secret_value(),
            today=lambda: today_in_tokyo(settings.fixed_today),
            **options,
        )

    async def send(self, day: date) -> SendReport:
        """Push every reminder due on ``day`` that no run has pushed yet."""
        report = SendReport(day)
        due, texts = await asyncio.to_thread(self._due, day)
        slots = asyncio.Semaphore(CONCURRENT_PUSHES)
        stop = asyncio.Event()
        client = AsyncApiClient(self._configuration)
        try:
            api = AsyncMessagingApi(client)
            await asyncio.gather(
                *(self._one(api, reminder, texts[i], day, report, slots, stop)
                  for i, reminder in enumerate(due))
            )  # fmt: skip
        finally:
            await client.close()
        return report

    def _due(self, day: date) -> tuple[list[DueReminder], list[str]]:
        """The reminders due on ``day`` and their texts, in each subscriber's language."""
        with self._sessions() as session:
            due = due_on(session, day)
            translations = Translations.load(session)
        today = self._today()
        texts = [
            reminder_text(Voice(r.language, translations), r.area, day, r.collections, today)
            for r in due
        ]
        return due, texts

    async def _one(
        self,
        api: AsyncMessagingApi,
        reminder: DueReminder,
        text: str,
        day: date,
        report: SendReport,
        slots: asyncio.Semaphore,
        stop: asyncio.Event,
    ) -> None:
        async with slots:
            if stop.is_set():
                report.failed += 1
                return
            if reminder.blocked:
                report.skipped += 1
                return
            user = reminder.line_user_id
            key = await asyncio.to_thread(claim, self._sessions, user, day)
            if key is None:
                report.skipped += 1
                return
            try:
                push = await self._push(api, user, text, key)
            except QuotaExhaustedError as exc:
                stop.set()
                push = _Push(REMINDER_FAILED, 1, str(exc))
            await asyncio.to_thread(finish, self._sessions, user, day, push)
        if push.outcome == REMINDER_SENT:
            report.sent += 1
            return
        report.failed += 1
        report.blocked += push.outcome == REMINDER_BLOCKED
        report.errors.append(push.error)
        logger.warning("reminder for %s not sent: %s", day.isoformat(), push.error)

    async def _push(self, api: AsyncMessagingApi, user: str, text: str, key: str) -> _Push:
        request = PushMessageRequest(to=user, messages=[TextMessage(text=text)])
        error = ""
        for attempt in range(1, self._max_attempts + 1):
            wait = self._first_wait * 2 ** (attempt - 1)
            try:
                await api.push_message(
                    request, x_line_retry_key=key, _request_timeout=API_TIMEOUT_SECONDS
                )
                return _Push(REMINDER_SENT, attempt)
            except ApiException as exc:
                if exc.status == 409:  # accepted before, under this retry key
                    return _Push(REMINDER_SENT, attempt)
                error = f"HTTP {exc.status} {error_text(exc)}"
                if exc.status == 403:
                    return _Push(REMINDER_BLOCKED, attempt, error)
                if exc.status == 429 and MONTHLY_LIMIT in error.lower():
                    raise QuotaExhaustedError(error) from None
                if exc.status != 429 and exc.status < 500:
                    return _Push(REMINDER_FAILED, attempt, error)
                wait = _retry_after(exc) or wait
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                error = f"LINE API did not answer ({type(exc).__name__})"
            if attempt < self._max_attempts:
                await asyncio.sleep(min(wait, MAX_WAIT_SECONDS))
        return _Push(REMINDER_FAILED, self._max_attempts, error)


def claim(sessions: sessionmaker[Session], user: str, day: date) -> str | None:
    """Take the reminder of ``user`` for ``day``: its retry key, or ``None`` when another
    run has it (sent, given up, or being sent by a sender still alive)."""
    with sessions() as session:
        key = str(uuid.uuid4())
        session.add(
            ReminderDelivery(
                line_user_id=user, collection_date=day, retry_key=key, status=REMINDER_SENDING,
                attempts=0, claimed_at=utcnow(),
            )
        )  # fmt: skip
        try:
            session.commit()
            return key
        except IntegrityError:
            session.rollback()
        row = _row(user, day)
        taken = session.execute(
            update(ReminderDelivery)
            .where(row, ReminderDelivery.status == REMINDER_SENDING)
            .where(ReminderDelivery.claimed_at < utcnow() - CLAIM_LEASE)
            .values(claimed_at=utcnow())
        ).rowcount
        session.commit()
        if taken != 1:
            return None
        logger.warning("took over the reminder for %s left unfinished", day.isoformat())
        return session.scalar(select(ReminderDelivery.retry_key).where(row))


def finish(sessions: sessionmaker[Session], user: str, day: date, push: _Push) -> None:
    """Record how the push of ``user``'s reminder for ``day`` ended."""
    with sessions() as session:
        session.execute(
            update(ReminderDelivery)
            .where(_row(user, day))
            .values(
                status=push.outcome,
                attempts=ReminderDelivery.attempts + push.attempts,
                finished_at=utcnow(),
                error=push.error[:300],
            )
        )
        session.commit()
        if push.outcome == REMINDER_BLOCKED:
            mark_blocked(session, user)


def _row(user: str, day: date) -> ColumnElement[bool]:
    return (ReminderDelivery.line_user_id == user) & (ReminderDelivery.collection_date == day)


def _retry_after(exc: ApiException) -> float | None:
    value = (exc.headers or {}).get("Retry-After") or (exc.headers or {}).get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None
