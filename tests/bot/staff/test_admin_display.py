"""What a clerk reads in /admin, through HTTP: rows named by their names, Japanese
everywhere, Tokyo times, a notice after each save, choices instead of free text, an export
Excel opens, and links that can only be links (issue #17, items 1–3, 7–9)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import (
    Alias,
    AuditLog,
    Category,
    Item,
    Schedule,
    StaffUser,
    UnansweredQuestion,
)
from bot.server.security_headers import ADMIN_CSP
from tests.support.admin import ENGLISH, edit_form, item_named, login, post, visible_text

REPR = re.compile(r"object at 0x[0-9a-f]+|&lt;bot\.")


def picked(page: str, field: str) -> list[str]:
    """What an ajax picker of a form shows as chosen (sqladmin puts it in ``data-json``)."""
    tag = re.search(rf'<select[^>]*name="{field}"[^>]*>', page)[0]
    return [
        choice["text"]
        for choice in json.loads(html.unescape(re.search(r'data-json="([^"]*)"', tag)[1]))
    ]


def spray_can_category(sessions: sessionmaker[Session]) -> str:
    return item_named(sessions, "スプレー缶").category.name


# --- 1: rows by their names -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/admin/item/list?search=スプレー缶", "/admin/item/details/{id}", "/admin/item/edit/{id}",
     "/admin/schedule/list", "/admin/area/list", "/admin/alias/list", "/admin/category/list",
     "/admin/audit-log/list"],
)  # fmt: skip
def test_rows_are_shown_by_their_names(
    web: TestClient, staff_db: sessionmaker[Session], path: str
) -> None:
    login(web, "admin")
    item = item_named(staff_db, "スプレー缶")
    page = web.get(path.format(id=item.id))
    assert page.status_code == 200
    assert not REPR.search(page.text), REPR.search(page.text).group(0)
    if "/item/edit" in path:
        assert picked(page.text, "category") == [item.category.name]
    elif "/item/" in path:
        assert item.category.name in page.text


def test_the_collection_day_list_names_areas_and_categories(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    with staff_db() as session:
        schedule = session.scalars(select(Schedule).order_by(Schedule.id)).first()
        area, category = schedule.area, schedule.category.name
    page = visible_text(web.get("/admin/schedule/list").text)
    assert area.town in page
    assert category in page


def test_the_alias_item_picker_offers_each_item_by_name(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    response = web.get("/admin/alias/ajax/lookup", params={"name": "item", "term": "すぷれー"})
    texts = [result["text"] for result in response.json()["results"]]
    assert "スプレー缶" in texts
    assert len(set(texts)) == len(texts) > 1


def test_an_alias_edit_page_shows_its_item_by_name(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        alias = session.scalars(select(Alias).order_by(Alias.id)).first()
        item_name = alias.item.name
    login(web, "editor")
    page = web.get(f"/admin/alias/edit/{alias.id}").text
    assert picked(page, "item") == [item_name]


def test_the_list_export_is_a_japanese_csv_excel_opens(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    response = web.get("/admin/item/export/csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "番号", "品目名", "よみ（ひらがな）", "種別", "説明（回答に添えます）", "更新日時"
    ]  # fmt: skip
    spray = next(row for row in rows if row[1] == "スプレー缶")
    assert spray[3] == spray_can_category(staff_db)
    assert spray[4] == item_named(staff_db, "スプレー缶").notes  # whole, not shortened
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST", spray[5])
    assert not any(REPR.search(cell) for row in rows for cell in row)


# --- 2: Japanese ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/item/list", "/admin/item/create", "/admin/audit-log/list",
     "/admin/staff-user/create", "/admin/import-export", "/admin/category/list"],
)  # fmt: skip
def test_pages_are_japanese(web: TestClient, staff_db: sessionmaker[Session], path: str) -> None:
    login(web, "admin")
    post(web, f"/admin/item/edit/{item_named(staff_db, 'スプレー缶').id}",
         edit_form(item_named(staff_db, "スプレー缶"), notes="監査に載る変更"))  # fmt: skip
    page = web.get(path)
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    text = visible_text(page.text)
    assert [word for word in ENGLISH if word in text] == []


def test_a_refused_login_and_a_forbidden_page_are_japanese(web: TestClient) -> None:
    web.get("/admin/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', web.get("/admin/login").text)[1]
    refused = web.post(
        "/admin/login", data={"username": "editor", "password": "wrong", "csrf_token": token}
    )
    assert refused.status_code == 400
    assert "ユーザー名かパスワードが違います" in refused.text
    assert "Invalid" not in visible_text(refused.text)
    login(web, "viewer")
    forbidden = web.get("/admin/staff-user/list")
    assert forbidden.status_code == 403
    assert "権限がありません" in forbidden.text
    assert "Forbidden" not in visible_text(forbidden.text)


def test_the_audit_log_says_what_happened_in_japanese(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    item = item_named(staff_db, "スプレー缶")
    post(web, f"/admin/item/edit/{item.id}", edit_form(item, url="https://example.jp/spray"))
    page = visible_text(web.get("/admin/audit-log/list", params={"search": "スプレー缶"}).text)
    assert "変更" in page
    assert "editor（管理画面）" in page
    assert f"参考URL：{'（なし）' if item.url is None else '「' + item.url + '」'}" in page
    assert "「https://example.jp/spray」" in page
    for english in ("None", "update", "items"):
        assert english not in page
    filters = web.get("/admin/audit-log/list").text
    assert ">品目</a>" in filters.replace("\n", "").replace("  ", "")


def test_form_errors_are_japanese(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    login(web, "editor")
    no_item = post(web, "/admin/alias/create", {"name": "新しい別名", "save": "保存"})
    assert no_item.status_code == 400
    assert "一覧にない値です" in no_item.text
    assert "Not a valid choice" not in no_item.text
    item = item_named(staff_db, "スプレー缶")
    taken = post(web, f"/admin/item/edit/{item.id}", edit_form(item, name="アイロン"))
    assert taken.status_code == 400
    assert "同じ品目がすでにあります" in taken.text
    assert "UNIQUE" not in taken.text


# --- 3: Tokyo time ---------------------------------------------------------------------------


def test_times_are_tokyo_to_the_minute_with_the_zone(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        question = UnansweredQuestion(
            text="時刻テスト", normalized="時刻テスト",
            first_seen=datetime(2026, 12, 5, 15, 30, 45, 123456, tzinfo=timezone.utc),
            last_seen=datetime(2026, 12, 5, 23, 59, 59, tzinfo=timezone.utc),
        )  # fmt: skip
        session.add(question)
        session.commit()
    login(web, "editor")
    page = visible_text(web.get("/admin/unanswered-question/list").text)
    assert "2026-12-06 00:30 JST" in page
    assert "2026-12-06 08:59 JST" in page
    for precise in ("15:30:45", "123456", "+00:00"):
        assert precise not in page


# --- 7: notices, choices, words -------------------------------------------------------------


def test_a_save_and_a_resolve_are_confirmed(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    item = item_named(staff_db, "スプレー缶")
    saved = post(web, f"/admin/item/edit/{item.id}", edit_form(item, notes="確認の表示"))
    assert saved.status_code == 302
    assert "品目「スプレー缶」を保存しました。" in web.get(saved.headers["location"]).text
    with staff_db() as session:
        question = UnansweredQuestion(text="ゆわかしじゃー", normalized="ゆわかしじゃー")
        session.add(question)
        session.commit()
    resolved = post(
        web, f"/admin/resolve/{question.id}",
        {"action": "alias", "alias_name": "ゆわかしじゃー", "item_name": "電気ポット"},
    )  # fmt: skip
    assert resolved.status_code == 303
    page = web.get(resolved.headers["location"]).text
    assert "「ゆわかしじゃー」を品目「電気ポット」の別名として登録しました。" in page


def test_row_actions_are_named_in_words(web: TestClient) -> None:
    login(web, "editor")
    cell = re.search(
        r'<td class="staff-row-actions">(.*?)</td>', web.get("/admin/item/list").text, re.S
    )[1]
    words = ["詳細", "編集", "削除"]
    assert [word for word in words if word in visible_text(cell)] == words


def test_a_role_is_chosen_not_typed(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    login(web, "admin")
    form = web.get("/admin/staff-user/create").text
    assert re.search(r'<select[^>]*name="role"', form)
    assert "閲覧のみ（viewer）" in form
    response = post(
        web, "/admin/staff-user/create",
        {"username": "clerk2", "role": "superuser", "active": "y",
         "new_password": "a long passphrase", "save": "保存"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "選択肢が正しくありません" in response.text
    with staff_db() as session:
        assert session.scalar(select(StaffUser).where(StaffUser.username == "clerk2")) is None


def test_ward_texts_and_category_guidance_are_shown_by_title(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    with staff_db() as session:
        bulky = session.scalars(select(Category).where(Category.guidance_key.is_not(None))).first()
        key = bulky.guidance_key
    texts = visible_text(web.get("/admin/ward-text/list").text)
    categories = visible_text(web.get("/admin/category/list").text)
    assert key not in texts
    assert key not in categories
    edit = web.get(f"/admin/category/edit/{bulky.id}").text
    assert re.search(rf'<option selected value="{key}">', edit), "the text is chosen by title"


# --- 8, 9: bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [{"format": "bogus"}, {"format": "nakano", "encoding": "latin-9"}]
)
def test_an_unknown_export_format_is_a_422_in_japanese(web: TestClient, params: dict) -> None:
    login(web, "viewer")
    response = web.get("/admin/import-export/export", params=params)
    assert response.status_code == 422
    assert "一覧から選んでください" in response.text


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,x"]
)
def test_a_link_that_is_not_http_is_refused_like_the_api_does(
    web: TestClient, staff_db: sessionmaker[Session], url: str
) -> None:
    login(web, "editor")
    item = item_named(staff_db, "スプレー缶")
    response = post(web, f"/admin/item/edit/{item.id}", edit_form(item, url=url))
    assert response.status_code == 400
    assert "http:// か https:// で始まるURL" in response.text
    assert item_named(staff_db, "スプレー缶").url == item.url


def test_a_stored_script_link_is_not_rendered_as_a_link(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        item = session.scalars(select(Item).where(Item.name == "スプレー缶")).one()
        item.url = "javascript:alert(1)"
        session.commit()
    login(web, "viewer")
    page = web.get(f"/admin/item/details/{item.id}").text
    assert 'href="javascript:' not in page


def test_admin_pages_allow_scripts_from_the_app_only(web: TestClient) -> None:
    for response in (web.get("/admin/login"), web.get("/admin/item/list")):
        policy = response.headers["content-security-policy"]
        assert policy == ADMIN_CSP
        script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert script_src == "script-src 'self'"
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text)  # no inline script


def test_a_details_page_is_headed_in_japanese(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    item = item_named(staff_db, "スプレー缶")
    title = re.search(
        r'<h3 class="card-title">(.*?)</h3>', web.get(f"/admin/item/details/{item.id}").text, re.S
    )[1]
    assert " ".join(title.split()) == f"番号: {item.id}"


def test_the_audit_log_is_readable_in_its_details(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "admin")
    with staff_db() as session:
        entry = session.scalars(select(AuditLog).order_by(AuditLog.id)).first()
    page = visible_text(web.get(f"/admin/audit-log/details/{entry.id}").text)
    assert "None" not in page
    assert "create" not in page
