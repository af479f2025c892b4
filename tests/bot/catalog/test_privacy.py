"""What is kept of residents' messages: personal details masked, old records removed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.catalog.db import get_sessionmaker
from bot.catalog.models import ChatEvent, UnansweredQuestion, utcnow
from bot.catalog.privacy import MASK, mask_personal, purge_old
from bot.catalog.unanswered import record_unanswered
from bot.server.app import create_app
from bot.settings import Settings
from tests.support.catalog import make_catalog


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("電話は090-1234-5678です", f"電話は{MASK}です"),
        ("０３－３３８７－５３５３に電話した", f"{MASK}に電話した"),
        ("連絡は taro.yamada@example.co.jp まで", f"連絡は {MASK} まで"),
        ("中野区中央4-20-1の燃やすごみ", f"中野区中央{MASK}の燃やすごみ"),
        ("中央四丁目20番1号です", f"中央四丁目{MASK}です"),
        ("鷺宮3丁目12-5に住んでます", f"鷺宮3丁目{MASK}に住んでます"),
    ],
)
def test_personal_details_are_masked(text: str, masked: str) -> None:
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    "text",
    ["野方3丁目のごみ", "スプレー缶3本", "2024年のカレンダー", "ゴミ袋45リットル10枚", "単3電池"],
)
def test_what_is_not_personal_is_kept(text: str) -> None:
    assert mask_personal(text) == text


def test_unanswered_questions_are_stored_masked(tmp_path: Path) -> None:
    sessions = get_sessionmaker(make_catalog(tmp_path / "c.sqlite3"))
    with sessions() as session:
        record_unanswered(session, "090-1234-5678の人が置いていった謎の機械")
        stored = session.scalars(select(UnansweredQuestion)).one()
    assert "1234" not in stored.text
    assert "1234" not in stored.normalized
    assert stored.text == f"{MASK}の人が置いていった謎の機械"


def test_old_records_are_removed_at_start(tmp_path: Path) -> None:
    url = make_catalog(tmp_path / "c.sqlite3")
    sessions = get_sessionmaker(url)
    old, recent = utcnow() - timedelta(days=40), utcnow() - timedelta(days=2)
    with sessions() as session:
        session.add_all([ChatEvent(at=old, outcome="other"), ChatEvent(at=recent, outcome="other")])
        session.add(
            UnansweredQuestion(text="古い", normalized="古い", first_seen=old, last_seen=old)
        )
        session.commit()
    with TestClient(create_app(Settings(database_url=url, chat_log_days=30))):
        pass
    with sessions() as session:
        assert [e.at.date() for e in session.scalars(select(ChatEvent))] == [recent.date()]
        assert session.scalars(select(UnansweredQuestion)).all() == []
        assert purge_old(session, 30) == {
            "chat_events": 0, "unanswered_questions": 0, "line_seen_events": 0,
            "reminder_deliveries": 0,
        }  # fmt: skip
