"""The figures of the staff's analytics page and the ward's monthly report.

Questions per day, the share answered / asked back / not found, the languages residents
wrote in, the items asked about most, the questions (and their words) the bot could not
answer, and the LINE reminders: subscribers per area, and reminders sent and failed per
collection date. Days are Tokyo days: a
question at 23:30 JST counts on that day, one at 00:30 JST on the next, whatever the
server's clock or the database's time zone.

Everything is plain SQL any database runs (range filters, ``GROUP BY``, ``COUNT``); the
Tokyo-day bucketing is done in Python on the timestamps of the range, which for a ward is a
few thousand rows a month. So the same code serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from bot.catalog.calendar import TOKYO
from bot.catalog.chat_events import ANSWERED, OUTCOMES
from bot.catalog.models import (
    REMINDER_BLOCKED,
    REMINDER_FAILED,
    REMINDER_SENT,
    Area,
    ChatEvent,
    ReminderDelivery,
    ReminderSubscription,
    UnansweredQuestion,
)
from bot.catalog.schedule import area_label
from bot.i18n import JAPANESE, LANGUAGE_NAMES, LANGUAGES
from bot.japanese.sudachi import Morpheme, get_analyzer

#: How the outcomes are called in the report staff download.
OUTCOME_LABELS = {
    "answered": "回答した",
    "asked_back": "聞き返した",
    "not_found": "一覧になかった",
    "schedule": "収集日・粗大ごみ",
    "general": "よくある質問・種別の説明",
    "follow_up": "前の質問の続き",
    "other": "あいさつ・その他",
}

#: Nouns in nearly every question, which say nothing about what residents could not find.
#: Compared with both the surface and Sudachi's normalised form.
GENERIC_WORDS = frozenset(
    {
        "ごみ",
        "ゴミ",
        "塵",
        "捨て方",
        "出し方",
        "分け方",
        "方",
        "方法",
        "仕方",
        "処分",
        "処理",
        "分別",
        "種類",
        "物",
        "もの",
        "モノ",
        "事",
        "こと",
        "やつ",
        "場合",
        "時",
        "とき",
        "日",
        "曜日",
        "今日",
        "明日",
        "質問",
        "中野区",
        "区",
    }
)
#: Noun subclasses that are not content words: numbers, and stems of auxiliaries (「そう」).
_SKIPPED_NOUN_CLASSES = frozenset({"数詞", "助動詞語幹"})


# --- Tokyo days --------------------------------------------------------------------------


def tokyo_midnight(day: date) -> datetime:
    """The start of ``day`` in Tokyo, as an aware UTC datetime (what the database holds)."""
    return datetime.combine(day, time(), TOKYO).astimezone(timezone.utc)


def tokyo_day(at: datetime) -> date:
    """The Tokyo date of a stored timestamp. SQLite gives timestamps back without their
    zone; they were written in UTC (:func:`bot.catalog.models.utcnow`)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(TOKYO).date()


def days(start: date, end: date) -> list[date]:
    """Every day of [start, end)."""
    return [start + timedelta(days=n) for n in range((end - start).days)]


def month_range(year: int, month: int) -> tuple[date, date]:
    """[first day of the month, first day of the next)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month}")
    start = date(year, month, 1)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, end


def _in_range(start: date, end: date) -> ColumnElement[bool]:
    return and_(ChatEvent.at >= tokyo_midnight(start), ChatEvent.at < tokyo_midnight(end))


# --- The figures -------------------------------------------------------------------------


def questions_per_day(session: Session, start: date, end: date) -> list[tuple[date, int]]:
    """Resident messages per Tokyo day of [start, end), days without any included as 0."""
    stamps = session.scalars(select(ChatEvent.at).where(_in_range(start, end)))
    counts = Counter(tokyo_day(at) for at in stamps)
    return [(day, counts[day]) for day in days(start, end)]


def outcome_shares(session: Session, start: date, end: date) -> dict[str, tuple[int, float]]:
    """``{outcome: (count, share)}`` over [start, end), every outcome present (0 and 0.0
    for none); the shares add up to 1 when there was any message."""
    rows = session.execute(
        select(ChatEvent.outcome, func.count())
        .where(_in_range(start, end))
        .group_by(ChatEvent.outcome)
    ).tuples()
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome, count in rows:
        # An outcome this code does not know (written by a newer version) still counts.
        counts[outcome] = counts.get(outcome, 0) + count
    total = sum(counts.values())
    return {outcome: (count, count / total if total else 0.0) for outcome, count in counts.items()}


def language_shares(session: Session, start: date, end: date) -> dict[str, tuple[int, float]]:
    """``{language: (count, share)}`` of the messages of [start, end), every language the
    bot answers in present (Japanese first), in the manner of :func:`outcome_shares`."""
    rows = session.execute(
        select(ChatEvent.language, func.count())
        .where(_in_range(start, end))
        .group_by(ChatEvent.language)
    ).tuples()
    counts = dict.fromkeys(LANGUAGES, 0)
    for language, count in rows:
        counts[language or JAPANESE] = counts.get(language or JAPANESE, 0) + count
    total = sum(counts.values())
    return {language: (n, n / total if total else 0.0) for language, n in counts.items()}


def top_items(session: Session, start: date, end: date, limit: int = 20) -> list[tuple[str, int]]:
    """The items answered most often in [start, end), most first (ties by name).

    Only ``answered`` events count: an item asked back is counted once the resident taps
    which one it is, as that item.
    """
    count = func.count().label("n")
    rows = session.execute(
        select(ChatEvent.item_name, count)
        .where(_in_range(start, end), ChatEvent.outcome == ANSWERED)
        .where(ChatEvent.item_name.is_not(None))
        .group_by(ChatEvent.item_name)
        .order_by(count.desc(), ChatEvent.item_name)
        .limit(limit)
    ).tuples()
    return list(rows)


def subscribers_by_area(session: Session) -> list[tuple[str, int]]:
    """LINE friends who get reminders now, per area (most first, then by area), the area
    named as answers name it; a total of the subscribers, not of a month."""
    count = func.count().label("n")
    rows = session.execute(
        select(Area, count)
        .join(ReminderSubscription, ReminderSubscription.area_id == Area.id)
        .group_by(Area.id)
        .order_by(count.desc(), Area.town, Area.id)
    ).tuples()
    return [(area_label(area), n) for area, n in rows]


def reminders_per_day(session: Session, start: date, end: date) -> list[tuple[date, int, int]]:
    """``(collection date, sent, failed)`` for each date of [start, end) some reminder was
    for (pushed the evening before); a reminder LINE refused as blocked counts as failed."""
    rows = session.execute(
        select(ReminderDelivery.collection_date, ReminderDelivery.status, func.count())
        .where(ReminderDelivery.collection_date >= start, ReminderDelivery.collection_date < end)
        .group_by(ReminderDelivery.collection_date, ReminderDelivery.status)
    ).tuples()
    sent: Counter[date] = Counter()
    failed: Counter[date] = Counter()
    for day, status, n in rows:
        if status == REMINDER_SENT:
            sent[day] += n
        elif status in (REMINDER_FAILED, REMINDER_BLOCKED):
            failed[day] += n
    return [(day, sent[day], failed[day]) for day in sorted(sent.keys() | failed.keys())]


def _unanswered_in(start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    """Questions asked at least once in [start, end): first seen before its end and last
    seen after its start. Their counts are all-time: the table keeps no per-day counts."""
    conditions = []
    if end is not None:
        conditions.append(UnansweredQuestion.first_seen < tokyo_midnight(end))
    if start is not None:
        conditions.append(UnansweredQuestion.last_seen >= tokyo_midnight(start))
    return conditions


def top_unanswered(
    session: Session, limit: int | None = 20, *, start: date | None = None, end: date | None = None
) -> list[UnansweredQuestion]:
    """The questions the bot could not answer, most asked first (then the latest).

    With ``start``/``end``, only those asked in [start, end) (see :func:`_unanswered_in`);
    ``limit=None`` for all of them.
    """
    return list(
        session.scalars(
            select(UnansweredQuestion)
            .where(*_unanswered_in(start, end))
            .order_by(
                UnansweredQuestion.count.desc(),
                UnansweredQuestion.last_seen.desc(),
                UnansweredQuestion.id,
            )
            .limit(limit)
        )
    )


def content_words(text: str) -> list[Morpheme]:
    """The nouns of ``text`` that say what it is about: no particles, auxiliaries, verbs,
    symbols, numbers or pronouns, and none of :data:`GENERIC_WORDS`."""
    words = []
    for morpheme in get_analyzer().analyze(text):
        if morpheme.pos[0] != "名詞" or morpheme.pos[1] in _SKIPPED_NOUN_CLASSES:
            continue
        if morpheme.text in GENERIC_WORDS or morpheme.lemma in GENERIC_WORDS:
            continue
        surface = morpheme.text.strip()
        if not any(ch.isalnum() for ch in surface):
            continue
        if len(surface) == 1 and "ぁ" <= surface <= "ゖ":
            continue  # a lone hiragana is a tokenizer's leftover, not a word
        words.append(morpheme)
    return words


def top_unanswered_words(
    session: Session, limit: int = 20, *, start: date | None = None, end: date | None = None
) -> list[tuple[str, int]]:
    """The content words of the unanswered questions, each weighted by its question's count.

    Words are counted by Sudachi's normalised form (「ゴミ袋」 and 「ごみ袋」 are one word)
    and shown as residents wrote them most often; a word counts once per question.
    """
    weights: Counter[str] = Counter()
    surfaces: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for question in top_unanswered(session, limit=None, start=start, end=end):
        seen = set()
        for word in content_words(question.text):
            surfaces[word.lemma][word.text] += question.count
            if word.lemma not in seen:
                seen.add(word.lemma)
                weights[word.lemma] += question.count
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(_shown(surfaces[lemma]), weight) for lemma, weight in ranked]


def _shown(surfaces: Counter[str]) -> str:
    return min(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]


# --- The monthly report ------------------------------------------------------------------


@dataclass(frozen=True)
class UnansweredRow:
    text: str
    count: int
    first_seen: datetime
    last_seen: datetime
    #: The language it was asked in (the last time).
    language: str = JAPANESE


@dataclass(frozen=True)
class MonthlyReport:
    """The month's figures, as the ward reports them."""

    year: int
    month: int
    #: [start, end) in Tokyo days.
    start: date
    end: date
    total: int
    per_day: list[tuple[date, int]]
    outcomes: dict[str, tuple[int, float]]
    #: Messages per language the residents wrote in: ``{language: (count, share)}``.
    languages: dict[str, tuple[int, float]]
    top_items: list[tuple[str, int]]
    #: Questions asked in the month that the bot could not answer; counts are all-time.
    top_unanswered: list[UnansweredRow]
    top_unanswered_words: list[tuple[str, int]]
    #: LINE reminders: subscribers per area (now), and (date, sent, failed) per collection
    #: date of the month.
    subscribers: list[tuple[str, int]] = field(default_factory=list)
    reminders: list[tuple[date, int, int]] = field(default_factory=list)


def monthly_report(session: Session, year: int, month: int, limit: int = 20) -> MonthlyReport:
    start, end = month_range(year, month)
    per_day = questions_per_day(session, start, end)
    return MonthlyReport(
        year=year,
        month=month,
        start=start,
        end=end,
        total=sum(count for _, count in per_day),
        per_day=per_day,
        outcomes=outcome_shares(session, start, end),
        languages=language_shares(session, start, end),
        top_items=top_items(session, start, end, limit),
        top_unanswered=[
            UnansweredRow(q.text, q.count, q.first_seen, q.last_seen, q.language or JAPANESE)
            for q in top_unanswered(session, limit, start=start, end=end)
        ],
        top_unanswered_words=top_unanswered_words(session, limit, start=start, end=end),
        subscribers=subscribers_by_area(session),
        reminders=reminders_per_day(session, start, end),
    )


def _cell(value: object) -> str:
    """A CSV cell Excel will not run: residents' text starting with = + - @ is quoted."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _in(language: str) -> str:
    """「（英語）」 after a question asked in another language than Japanese."""
    return "" if language == JAPANESE else f"（{LANGUAGE_NAMES.get(language, language)}）"


def report_csv(report: MonthlyReport) -> str:
    """The report as one CSV (区分, 項目, 件数, 割合), a row per figure.

    Encode it as ``utf-8-sig`` for download: Excel reads UTF-8 only with the BOM.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["区分", "項目", "件数", "割合"])
    last = report.end - timedelta(days=1)
    period = f"{report.year}年{report.month}月（{report.start.isoformat()}〜{last.isoformat()}）"
    writer.writerow(["集計期間", period, "", ""])
    writer.writerow(["質問数", "合計", report.total, ""])
    for day, count in report.per_day:
        writer.writerow(["日別の質問数", day.isoformat(), count, ""])
    for outcome, (count, share) in report.outcomes.items():
        label = OUTCOME_LABELS.get(outcome, outcome)
        writer.writerow(["結果の内訳", label, count, f"{share:.1%}"])
    for language, (count, share) in report.languages.items():
        name = LANGUAGE_NAMES.get(language, language)
        writer.writerow(["言語別の質問数", name, count, f"{share:.1%}"])
    for name, count in report.top_items:
        writer.writerow(["よく聞かれた品目", _cell(name), count, ""])
    for row in report.top_unanswered:
        writer.writerow(
            ["答えられなかった質問", _cell(row.text) + _in(row.language), row.count, ""]
        )
    for word, count in report.top_unanswered_words:
        writer.writerow(["答えられなかった質問の語", _cell(word), count, ""])
    for area, count in report.subscribers:
        writer.writerow(["LINE通知の登録者（地域別・現在）", area, count, ""])
    for day, sent, failed in report.reminders:
        writer.writerow(["LINE通知を送った数（収集日別）", day.isoformat(), sent, ""])
        writer.writerow(["LINE通知を送れなかった数（収集日別）", day.isoformat(), failed, ""])
    return out.getvalue()
