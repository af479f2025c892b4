"""The catalog tables. Item knowledge lives here, not in the trained model, so that a
staff edit is answered on the next message without retraining."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


#: The order of a category nobody placed: after the placed ones.
DEFAULT_SORT_ORDER = 100
#: The empty string as a column's server default, written as SQL (``''``) because that is
#: how both databases report it back to Alembic's comparison.
EMPTY_TEXT = text("''")


class Category(Base):
    """A 種別 such as 「陶器・ガラス・金属ごみ」, named exactly as in the ward's table."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: Key of a :class:`WardText` said after every item answer of this category
    #: (the bulky-waste procedure for 粗大ごみ, for example); ``None`` for none.
    guidance_key: Mapped[str | None] = mapped_column(String(50), default=None)
    #: Where the category stands when several are listed (a schedule, a day's answer);
    #: lower first. Categories of equal order keep their name order.
    sort_order: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_SORT_ORDER, server_default=str(DEFAULT_SORT_ORDER)
    )
    #: What the category is and how often it is collected, in the ward's words; said
    #: when a resident asks about the category itself (「資源プラスチックとは？」).
    description: Mapped[str] = mapped_column(Text, default="", server_default=EMPTY_TEXT)
    #: A resource (資源): 「資源の日はいつ？」 asks about every resource category that is
    #: collected on set days. (Whether a category is collected on set days is not a column:
    #: it is whether the collection-day table gives it days in some area.)
    resource: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    items: Mapped[list[Item]] = relationship(back_populates="category")


class Item(Base):
    """One row of the ward's item table (ごみ分別一覧)."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    reading: Mapped[str] = mapped_column(String(300), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    #: Line in the imported file, so staff can find the row the answer came from.
    source_row: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    category: Mapped[Category] = relationship(back_populates="items", lazy="joined")
    aliases: Mapped[list[Alias]] = relationship(back_populates="item", cascade="all, delete-orphan")


class Alias(Base):
    """Another name residents use for an item (「ノートPC」 for パソコン)."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("name", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    #: The language residents use this name in: ``ja``, ``en``, ``zh`` or ``ko``
    #: (:data:`bot.i18n.LANGUAGES`). Only Japanese names are matched in Japanese messages.
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja", index=True)
    #: Whether a clerk has checked the name. Names the developers wrote in other languages
    #: come unreviewed; they are used all the same, and the admin lists them for checking.
    reviewed: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    item: Mapped[Item] = relationship(back_populates="aliases")


class Area(Base):
    """One row of the collection-day table: a town (町名) and a group of its 丁目."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("town", "chome_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(50))
    town_reading: Mapped[str] = mapped_column(String(100), default="")
    #: The 丁目 cell verbatim, e.g. 「2;3;5（毎日収集地域は除く）」 or 「全域」.
    chome_text: Mapped[str] = mapped_column(String(100))
    #: The 丁目 numbers it covers; empty when the row covers the whole town.
    chome: Mapped[list[int]] = mapped_column(JSON, default=list)
    remark: Mapped[str] = mapped_column(String(200), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, default=None)

    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="area", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def whole_town(self) -> bool:
        return not self.chome


class Schedule(Base):
    """When one category is collected in one area: weekdays, and for nth-weekday rules
    (「第2;第4土曜日」) the week numbers; no week numbers means every week."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("area_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    #: Monday is 0, as in :meth:`datetime.date.weekday`.
    weekdays: Mapped[list[int]] = mapped_column(JSON)
    nth_weeks: Mapped[list[int]] = mapped_column(JSON, default=list)
    source_text: Mapped[str] = mapped_column(String(100), default="")

    area: Mapped[Area] = relationship(back_populates="schedules")
    category: Mapped[Category] = relationship(lazy="joined")


class WardText(Base):
    """A procedure or contact text the bot says (粗大ごみの申し込み方, 問い合わせ先 …).

    Seeded from ``data/catalog_seed.yml`` and edited by staff afterwards; re-importing never
    overwrites a text that exists.
    """

    __tablename__ = "ward_texts"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: Questions residents ask that this text answers, one per line. A text with examples
    #: is a knowledge entry (よくある質問): general questions are matched against its title
    #: and these, so staff steer the matching by adding a question here.
    examples: Mapped[str] = mapped_column(Text, default="", server_default=EMPTY_TEXT)
    #: A page of the ward's site with more, shown under the answer.
    url: Mapped[str | None] = mapped_column(String(500), default=None)


class Translation(Base):
    """A text residents read, in another language than Japanese: a ward text's title, body
    or example questions, a category's name or description, or an item's notes.

    ``source`` is the Japanese it was translated from. When staff change the Japanese, the
    translation no longer says the same thing, so it is not used (the resident reads the
    Japanese, with a note that no translation is there yet) until someone updates it.
    """

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("kind", "key", "field", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``text`` (a ward text, by its key), ``category`` (by its name), ``note`` (an item's
    #: notes, by the Japanese notes themselves).
    kind: Mapped[str] = mapped_column(String(20), index=True)
    key: Mapped[str] = mapped_column(String(500))
    #: ``title``, ``body``, ``examples`` (text); ``name``, ``description`` (category); ``note``.
    field: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8), index=True)
    source: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


#: Which areas a notice names (unless it names all), and which categories (none: all).
notice_areas = Table(
    "notice_areas",
    Base.metadata,
    Column("notice_id", ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)
notice_categories = Table(
    "notice_categories",
    Base.metadata,
    Column("notice_id", ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Notice(Base):
    """A staff notice (お知らせ) about collection on some days: none (a typhoon), on another
    day (moved), or only something to know. Every answer that gives a date, the calendar
    feed and the reminders apply it (:mod:`bot.catalog.notices`).

    ``all_areas`` rather than "no areas means all": an area deleted from a notice that
    named only it must leave a notice for no one, not one for the whole ward.
    """

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``cancelled``, ``moved`` or ``info`` (:class:`bot.catalog.notices.NoticeKind`).
    kind: Mapped[str] = mapped_column(String(20), default="info")
    #: The days it is about, both included.
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    #: For ``moved``: the day the collections of those days are made instead.
    moved_to: Mapped[date | None] = mapped_column(Date, default=None)
    all_areas: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: What residents read, in Japanese (its translations are :class:`Translation` rows
    #: of kind ``notice``, by the notice's id).
    text: Mapped[str] = mapped_column(Text, default="", server_default=EMPTY_TEXT)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    areas: Mapped[list[Area]] = relationship(
        secondary=notice_areas, lazy="selectin", order_by="Area.id"
    )
    #: None named: every category of the areas.
    categories: Mapped[list[Category]] = relationship(
        secondary=notice_categories, lazy="selectin", order_by="Category.id"
    )


class UnansweredQuestion(Base):
    """A question the bot could not answer, counted so staff can fix the worst first."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    normalized: Mapped[str] = mapped_column(String(500), unique=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The language the resident wrote in (the last time it was asked).
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja")


class CatalogRevision(Base):
    """A single counter bumped by every write to the catalog.

    Readers keep an in-memory index of the catalog and rebuild it only when this number
    moves, which costs one primary-key read per message instead of a full reload.
    """

    __tablename__ = "catalog_revision"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class LineSeenEvent(Base):
    """A LINE webhook event already taken in, by its ``webhookEventId``.

    LINE redelivers an event when it thinks the bot missed it; remembering the ids in the
    database (not in memory) makes each event answered at most once, also across a restart
    or between replicas. Old rows are dropped after ``line_seen_event_days``.
    """

    __tablename__ = "line_seen_events"

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# --- Staff: accounts, API tokens, the audit trail, and what residents asked ---------------


class StaffUser(Base):
    """A ward staff account for /admin. Roles: ``viewer`` reads, ``editor`` edits the
    catalog, ``admin`` also manages accounts and tokens."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    #: argon2id hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    def __str__(self) -> str:
        return self.username


class StaffToken(Base):
    """A bearer token for ``/api/staff``; only its SHA-256 is kept, so a database leak
    does not leak working tokens."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class StaffSession(Base):
    """A login to /admin. The browser's cookie holds only a random token; this row, found by
    the token's SHA-256, is what makes it a login, so that logging out, disabling the
    account or changing its password ends it on every app worker at once (a signed cookie
    alone would stay valid until it expires)."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditLog(Base):
    """Who changed what and when, with the old and new values, written in the same
    transaction as the change itself (so a change without its audit row cannot exist)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))
    table: Mapped[str] = mapped_column(String(50), index=True)
    row_id: Mapped[str | None] = mapped_column(String(50), default=None)
    summary: Mapped[str] = mapped_column(String(300), default="")
    #: ``{"field": [old, new], …}``; for a deletion the old values, for a creation the new.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


class ChatEvent(Base):
    """One resident message and what became of it, for the monthly figures. No sender id
    and no text: the figures need neither, and residents' messages stay private."""

    __tablename__ = "chat_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: ``answered``, ``asked_back``, ``not_found`` (item questions), ``schedule``, ``other``.
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    #: The item answered, by name, so the figure survives the item being renamed.
    item_name: Mapped[str | None] = mapped_column(String(200), default=None)
    #: The language the resident wrote in.
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja", index=True)


# --- LINE reminders the evening before a collection day -----------------------------------

#: When reminders go out unless staff set another time: 19:00 in Tokyo, the evening before.
DEFAULT_REMINDER_TIME = time(19, 0)


class ReminderSubscription(Base):
    """A LINE friend who asked to be told the evening before their collection days.

    Only what the reminder needs is kept: the LINE user id it is pushed to, the area, the
    categories chosen (none: every category collected there) and the language it is said
    in. The row goes when the resident says 「通知を解除」 or blocks the account.
    """

    __tablename__ = "reminder_subscriptions"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    #: The categories chosen, by id (a renamed category stays chosen); empty: all of them.
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    #: When LINE refused a push because the resident blocked the account without the
    #: unfollow event reaching the bot; skipped from then until they follow again.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    area: Mapped[Area] = relationship(lazy="joined")


#: The states of a reminder (:class:`ReminderDelivery`): taken by a sender and not
#: finished, pushed, given up, refused by LINE as to a user who blocked the account.
REMINDER_SENDING, REMINDER_SENT, REMINDER_FAILED, REMINDER_BLOCKED = (
    "sending",
    "sent",
    "failed",
    "blocked",
)


class ReminderDelivery(Base):
    """One reminder, for one subscriber and one collection date, written before it is pushed.

    The row is unique per subscriber and date: a second run for the same date, or a second
    app worker at the same moment, cannot write it again and so pushes nothing. The push
    carries ``retry_key`` as LINE's ``X-Line-Retry-Key`` on every attempt, so that LINE
    itself refuses (409) a repeat of a push it already accepted.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("line_user_id", "collection_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``None`` once the resident blocked the account: the row stays for the figures only.
    line_user_id: Mapped[str | None] = mapped_column(String(64))
    collection_date: Mapped[date] = mapped_column(Date, index=True)
    retry_key: Mapped[str] = mapped_column(String(36))
    #: :data:`REMINDER_SENDING`, :data:`REMINDER_SENT`, … .
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When a sender last took the row; a ``sending`` row left long after this belonged to
    #: a sender that died, and another takes it over with the same retry key.
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: LINE's answer to the last failed attempt (its status and message, never a token).
    error: Mapped[str] = mapped_column(String(300), default="", server_default=EMPTY_TEXT)


class ReminderSettings(Base):
    """What staff set for the LINE reminders: one row, edited in /admin."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    #: The time of day (Tokyo) the reminders go out, the evening before a collection day.
    send_time: Mapped[time] = mapped_column(Time, default=DEFAULT_REMINDER_TIME)

    def __str__(self) -> str:
        return f"LINE通知の送信時刻 {self.send_time:%H:%M}"
