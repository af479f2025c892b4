"""A clerk fixes an answer in /admin and the running bot uses it on the next message: in
a real browser (Debian's Chromium) against the app process, the real Rasa model and the
real action server, without restarting or retraining anything."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import Item, StaffUser
from bot.settings import Settings
from bot.staff.accounts import Role, create_user
from bot.staff.audit import staff_sessionmaker

pytestmark = pytest.mark.e2e

USERNAME, PASSWORD = "clerk-in-browser", "a long enough passphrase"
QUESTION = "スプレー缶ってどうやって捨てるの？"


@pytest.fixture(scope="module")
def staff(e2e_settings: Settings) -> sessionmaker[Session]:
    sessions = staff_sessionmaker(e2e_settings.database_url)
    with sessions() as session:
        if not session.scalar(select(StaffUser).where(StaffUser.username == USERNAME)):
            create_user(session, USERNAME, PASSWORD, Role.EDITOR)
            session.commit()
    return sessions


@pytest.fixture
def spray_can(staff: sessionmaker[Session]) -> Iterator[Item]:
    """The item the test edits, put back afterwards for the other end-to-end tests."""
    with staff() as session:
        item = session.scalars(select(Item).where(Item.name == "スプレー缶")).one()
    yield item
    with staff() as session:
        session.get(Item, item.id).notes = item.notes
        session.commit()


@pytest.fixture
def page(browser: Browser, app_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=app_server, locale="ja-JP")
    yield context.new_page()
    context.close()


def ask(app_server: str, text: str) -> str:
    response = httpx.post(
        f"{app_server}/api/chat", json={"sender_id": "admin-live", "text": text}, timeout=30
    )
    response.raise_for_status()
    return "\n".join(m["text"] for m in response.json()["messages"])


def test_an_edit_in_the_browser_changes_the_next_answer(
    page: Page, app_server: str, spray_can: Item
) -> None:
    new_notes = "【テスト】中身を使い切ってから、穴をあけずに出してください。"
    assert new_notes not in ask(app_server, QUESTION)

    page.goto("/admin/login")
    page.locator('input[name="username"]').fill(USERNAME)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/item/list")
    page.locator("#search-input").fill("すぷれーかん")
    page.locator("#search-input").press("Enter")
    page.locator(f'a[href*="/admin/item/edit/{spray_can.id}?"]').first.click()
    page.locator("textarea#notes, input#notes").fill(new_notes)
    page.locator('input[type="submit"][name="save"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/item/list"))

    answer = ask(app_server, QUESTION)
    assert answer.startswith("「スプレー缶」は")
    assert new_notes in answer


def test_a_request_without_the_page_token_is_refused(page: Page, app_server: str) -> None:
    """A form another site posts (no CSRF token) does not get through, logged in or not."""
    page.goto("/admin/login")
    response = page.request.post(
        f"{app_server}/admin/login", form={"username": USERNAME, "password": PASSWORD}
    )
    assert response.status == 403


def test_an_alias_added_through_the_staff_api_is_answered_at_once(
    app_server: str, staff: sessionmaker[Session]
) -> None:
    from bot.staff.accounts import create_token

    question = "ゆわかしじゃーを捨てたいのですが"
    assert "電気ポット" not in ask(app_server, question)
    with staff() as session:
        token = create_token(session, "live-test", Role.EDITOR, created_by="test")
        pot = session.scalars(select(Item).where(Item.name == "電気ポット")).one()
        session.commit()
    response = httpx.post(
        f"{app_server}/api/staff/aliases",
        json={"name": "湯わかしジャー", "item_id": pot.id},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (200, 201), response.text
    assert ask(app_server, question).startswith("「電気ポット」は")
