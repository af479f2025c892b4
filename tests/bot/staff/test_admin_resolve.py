"""Turning an unanswered question into an alias without breaking other answers (issue #17,
item 6): the resolve page offers the whole unknown name, and an alias that is one
character or part of other items' names needs a second, informed click."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogIndex
from bot.catalog.models import Alias, UnansweredQuestion
from bot.staff.admin_pages import unknown_phrase
from tests.support.admin import item_named, login, post

QUESTION = "ぐにょぐにょ棒は何ごみ？"


@pytest.fixture
def question_id(staff_db: sessionmaker[Session]) -> int:
    with staff_db() as session:
        question = UnansweredQuestion(text=QUESTION, normalized=QUESTION, count=3)
        session.add(question)
        session.commit()
        return question.id


def answers(sessions: sessionmaker[Session], text: str) -> list[str]:
    return [c.name for m in LiveCatalog(sessions).index().find(text).mentions for c in m.candidates]


def prefilled(page: str) -> str:
    return re.search(r'id="alias_name" name="alias_name" value="([^"]*)"', page)[1]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (QUESTION, "ぐにょぐにょ棒"),
        ("ぴかぴかライトの捨て方", "ぴかぴかライト"),
        ("ゆわかしじゃーの捨て方", "ゆわかしじゃー"),
        ("古いぐにゃぐにゃ棒を捨てたい", "ぐにゃぐにゃ棒"),
    ],
)
def test_the_whole_unknown_name_is_offered(index: CatalogIndex, text: str, phrase: str) -> None:
    found = index.find(text)
    assert unknown_phrase(text, found.query) == phrase


def test_the_resolve_page_prefills_the_whole_name(web: TestClient, question_id: int) -> None:
    login(web, "editor")
    page = web.get(f"/admin/resolve/{question_id}").text
    assert prefilled(page) == "ぐにょぐにょ棒"
    assert "注意" not in page  # the whole name is safe


def test_a_fragment_alias_is_held_back_with_the_reasons(
    web: TestClient, staff_db: sessionmaker[Session], question_id: int
) -> None:
    login(web, "editor")
    broom = item_named(staff_db, "ほうき")
    form = {"action": "alias", "alias_name": "棒", "item_name": broom.name}
    held = post(web, f"/admin/resolve/{question_id}", form)
    assert held.status_code == 200
    assert "1文字です" in held.text
    assert "ほかの品目名の一部でもあります" in held.text
    assert "鉄の棒" in held.text
    with staff_db() as session:
        assert session.scalar(select(Alias).where(Alias.name == "棒")) is None
        assert session.get(UnansweredQuestion, question_id) is not None
    assert "ほうき" not in answers(staff_db, "物干し棒は何ごみ？")

    # The clerk read the warning and registers it anyway: the second click goes through.
    confirmed = post(web, f"/admin/resolve/{question_id}", {**form, "confirmed_alias": "棒"})
    assert confirmed.status_code == 303
    with staff_db() as session:
        assert session.scalar(select(Alias).where(Alias.name == "棒")).item_id == broom.id


def test_the_whole_name_as_alias_leaves_other_answers_alone(
    web: TestClient, staff_db: sessionmaker[Session], question_id: int
) -> None:
    login(web, "editor")
    response = post(
        web,
        f"/admin/resolve/{question_id}",
        {"action": "alias", "alias_name": "ぐにょぐにょ棒", "item_name": "ほうき"},
    )
    assert response.status_code == 303
    assert answers(staff_db, QUESTION) == ["ほうき"]
    assert "ほうき" not in answers(staff_db, "物干し棒は何ごみ？")
    assert "ほうき" not in answers(staff_db, "鉄の棒は何ごみ？")
