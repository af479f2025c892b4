"""The staff admin at /admin, through HTTP, against a real SQLite catalog: login, lock-out,
CSRF, roles, edits with their audit rows, search in any script, import with preview,
unanswered questions turned into aliases, tokens, the monthly figures."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.calendar import today_in_tokyo
from bot.catalog.db import current_revision
from bot.catalog.formats import ItemFormat, export_items
from bot.catalog.loader import LiveCatalog
from bot.catalog.models import (
    Alias,
    Area,
    AuditLog,
    Category,
    ChatEvent,
    ReminderDelivery,
    ReminderSettings,
    ReminderSubscription,
    StaffUser,
    UnansweredQuestion,
)
from bot.catalog.schedule import area_label, categories_in
from bot.staff.accounts import MAX_FAILED_LOGINS
from tests.support.admin import PASSWORD, USERS, csrf, edit_form, item_named, login, post

# --- login --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/item/list", "/admin/item/edit/1", "/admin/audit-log/list",
     "/admin/import-export", "/admin/analytics", "/admin/tokens/new", "/admin/resolve/1"],
)  # fmt: skip
def test_every_page_needs_a_login(web: TestClient, path: str) -> None:
    response = web.get(path, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].endswith("/admin/login")


def test_login_sets_a_strict_httponly_cookie_for_admin_only(web: TestClient) -> None:
    token = csrf(web.get("/admin/login").text)
    response = web.post(
        "/admin/login",
        data={"username": "editor", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 302
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/admin" in cookie


def test_wrong_passwords_lock_the_account(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    assert login(web, "editor", "wrong password") == 400
    assert login(web, "nobody", PASSWORD) == 400
    for _ in range(MAX_FAILED_LOGINS - 1):
        login(web, "editor", "wrong password")
    assert login(web, "editor") == 400  # locked: even the right password is refused
    with staff_db() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == "editor")).one()
        assert user.locked_until is not None
        user.locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
        session.commit()
    assert login(web, "editor") == 302


def test_login_without_the_csrf_token_is_refused(web: TestClient) -> None:
    web.get("/admin/login")
    response = web.post("/admin/login", data={"username": "editor", "password": PASSWORD})
    assert response.status_code == 403


# --- CSRF, roles, audit ---------------------------------------------------------------


def test_an_edit_without_the_csrf_token_is_refused_and_changes_nothing(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    item = item_named(staff_db, "スプレー缶")
    form = edit_form(item, notes="書き換え")
    for token in (None, "forged-token"):
        data = form if token is None else {**form, "csrf_token": token}
        response = web.post(f"/admin/item/edit/{item.id}", data=data, follow_redirects=False)
        assert response.status_code == 403
    assert item_named(staff_db, "スプレー缶").notes == item.notes


def test_an_edit_is_audited_with_old_and_new_values_and_reloads_the_bot(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    item = item_named(staff_db, "スプレー缶")
    with staff_db() as session:
        revision = current_revision(session)
    response = post(web, f"/admin/item/edit/{item.id}", edit_form(item, notes="中身を使い切って"))
    assert response.status_code == 302
    with staff_db() as session:
        assert current_revision(session) > revision
        entry = session.scalars(select(AuditLog).where(AuditLog.table == "items")).one()
    assert entry.actor == "staff:editor"
    assert entry.action == "update"
    assert entry.changes == {"notes": [item.notes, "中身を使い切って"]}
    [mention] = LiveCatalog(staff_db).index().find("スプレー缶").mentions
    assert mention.candidates[0].notes == "中身を使い切って"
    assert "staff:editor" in web.get("/admin/audit-log/list").text


def test_a_category_renamed_and_reordered_in_the_admin_is_read_at_once(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    """Its new name names it in a day question, its order places it, and 「資源」 follows its
    mark, from the next message on; the form and the audit are in the clerk's words."""
    login(web, "editor")
    with staff_db() as session:
        bottles = session.scalars(select(Category).where(Category.name.startswith("びん"))).one()
    page = web.get(f"/admin/category/edit/{bottles.id}").text
    for field, label in (("sort_order", "並び順"), ("description", "説明"), ("resource", "資源")):
        assert re.search(rf'for="{field}">{label}</label>', page), field
    form = {
        "name": "びん・缶・ペットボトル（資源）",
        "sort_order": "0",
        "description": bottles.description,
        "guidance_key": "",
        "save": "Save",
    }  # ``resource`` unticked: not sent
    response = post(web, f"/admin/category/edit/{bottles.id}", form)
    assert response.status_code == 302, response.text
    with staff_db() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.table == "categories")).one()
    assert entry.changes == {
        "name": ["びん・缶・ペットボトル", "びん・缶・ペットボトル（資源）"],
        "sort_order": [4, 0],
        "resource": [True, False],
    }
    assert "資源：はい → いいえ" in web.get("/admin/audit-log/list").text
    guide = LiveCatalog(staff_db).categories()
    renamed = "びん・缶・ペットボトル（資源）"
    assert categories_in("燃えるごみとびん・缶・ペットボトルの日", guide) == [renamed, "燃やすごみ"]
    assert categories_in("資源の日", guide) == ["資源プラスチック"]


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("viewer", "/admin/item/list", 200),
        ("viewer", "/admin/item/edit/1", 403),
        ("viewer", "/admin/audit-log/list", 403),
        ("viewer", "/admin/staff-user/list", 403),
        ("editor", "/admin/item/edit/1", 200),
        ("editor", "/admin/audit-log/list", 200),
        ("editor", "/admin/staff-user/list", 403),
        ("editor", "/admin/tokens/new", 403),
        ("admin", "/admin/staff-user/list", 200),
        ("admin", "/admin/tokens/new", 200),
    ],
)
def test_what_each_role_may_open(web: TestClient, user: str, path: str, status: int) -> None:
    login(web, user)
    assert web.get(path).status_code == status


def test_a_viewer_cannot_write(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    login(web, "viewer")
    item = item_named(staff_db, "スプレー缶")
    response = post(web, f"/admin/item/edit/{item.id}", edit_form(item, notes="x"))
    assert response.status_code == 403
    assert post(web, "/admin/resolve/1", {"action": "dismiss"}).status_code == 403
    assert item_named(staff_db, "スプレー缶").notes == item.notes


@pytest.mark.parametrize("term", ["すぷれー", "スプレー", "ｽﾌﾟﾚｰ", "ＳＰＲＡＹ", "缶"])
def test_search_finds_items_in_any_script(web: TestClient, term: str) -> None:
    login(web, "viewer")
    page = web.get("/admin/item/list", params={"search": term}).text
    if term == "ＳＰＲＡＹ":
        assert "スプレー缶" not in page  # nothing is spelled so; full width is not a match-all
    else:
        assert "スプレー缶" in page


# --- import, unanswered, tokens, analytics ----------------------------------------------


def test_import_shows_a_preview_then_applies_all_at_once(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    with staff_db() as session:
        csv = export_items(session, ItemFormat.NAKANO).decode("utf-8")
    changed = csv.replace(
        "アイロン,あいろん,陶器・ガラス・金属ごみ,", "アイロン,あいろん,燃やすごみ,", 1
    )
    files = {"file": ("items.csv", changed.encode("cp932"), "text/csv")}
    form = {"format": "auto", "remove_missing": "on"}
    preview = post(web, "/admin/import-export/preview", form, files=files)
    assert preview.status_code == 200
    assert "変更 1件" in preview.text
    assert item_named(staff_db, "アイロン").category.name == "陶器・ガラス・金属ごみ"

    upload_id = re.search(r'name="upload_id" value="([^"]+)"', preview.text).group(1)
    done = post(web, "/admin/import-export/apply", {"upload_id": upload_id})
    assert done.status_code == 200
    assert item_named(staff_db, "アイロン").category.name == "燃やすごみ"


def test_a_broken_file_is_reported_by_line_and_changes_nothing(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    with staff_db() as session:
        before = export_items(session, ItemFormat.NAKANO)
    lines = before.decode("utf-8").splitlines()
    lines[5] = ",,燃やすごみ,"  # line 6: no item name
    files = {"file": ("broken.csv", "\n".join(lines).encode("utf-8"), "text/csv")}
    response = post(web, "/admin/import-export/preview", {"format": "auto"}, files=files)
    assert response.status_code == 422
    assert "broken.csv 6行目：ごみの品目が空です" in response.text
    assert 'name="upload_id"' not in response.text
    with staff_db() as session:
        assert export_items(session, ItemFormat.NAKANO) == before


def test_an_unanswered_question_becomes_an_alias_and_leaves_the_list(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        text = "ゆわかしじゃーの捨て方"
        question = UnansweredQuestion(text=text, normalized=text, count=4)
        session.add(question)
        session.commit()
        question_id = question.id
    target = item_named(staff_db, "電気ポット")
    assert not LiveCatalog(staff_db).index().find("ゆわかしじゃーを捨てたい").mentions
    login(web, "editor")
    page = web.get(f"/admin/resolve/{question_id}")
    assert page.status_code == 200
    response = post(
        web,
        f"/admin/resolve/{question_id}",
        {"action": "alias", "alias_name": "湯わかしジャー", "item_name": target.name},
    )
    assert response.status_code == 303, re.findall(r"alert-danger[^>]*>([^<]*)", response.text)
    with staff_db() as session:
        assert session.get(UnansweredQuestion, question_id) is None
        alias = session.scalars(select(Alias).where(Alias.name == "湯わかしジャー")).one()
        assert alias.item_id == target.id
    found = LiveCatalog(staff_db).index().find("ゆわかしじゃーを捨てたい")
    assert [c.name for c in found.mentions[0].candidates] == ["電気ポット"]


def test_an_admin_issues_a_token_shown_once_and_stored_hashed(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "admin")
    response = post(web, "/admin/tokens/new", {"name": "夜間更新", "role": "editor"})
    token = re.search(r'id="new-token"[^>]*>([^<]+)<', response.text).group(1)
    with staff_db() as session:
        from bot.catalog.models import StaffToken

        stored = session.scalars(select(StaffToken)).one()
    assert stored.name == "夜間更新"
    assert token not in stored.token_hash
    assert token not in web.get("/admin/staff-token/list").text


def test_analytics_page_and_its_csv(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    now = datetime.now(timezone.utc)
    with staff_db() as session:
        session.add_all(
            [ChatEvent(at=now, outcome="answered", item_name="スプレー缶") for _ in range(3)]
            + [ChatEvent(at=now, outcome="not_found")]
        )
        session.commit()
    login(web, "viewer")
    page = web.get("/admin/analytics")
    assert page.status_code == 200
    assert "<strong>4</strong>" in page.text
    assert "スプレー缶（3件）" in page.text
    csv = web.get("/admin/analytics", params={"download": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert "スプレー缶" in csv.content.decode("utf-8-sig")


def test_the_reminders_send_time_is_set_by_an_editor_and_audited(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    listed = web.get("/admin/reminder-settings/list")
    assert listed.status_code == 200
    assert "19:00" in listed.text
    assert web.get("/admin/reminder-settings/edit/1").status_code == 403
    web.cookies.clear()
    login(web, "editor")
    assert "19:00" in web.get("/admin/reminder-settings/edit/1").text
    response = post(web, "/admin/reminder-settings/edit/1", {"send_time": "18:30", "save": "Save"})
    assert response.status_code == 302
    with staff_db() as session:
        assert session.get(ReminderSettings, 1).send_time == time(18, 30)
        entry = session.scalars(select(AuditLog).where(AuditLog.table == "reminder_settings")).one()
        assert (entry.actor, entry.changes["send_time"]) == (
            "staff:editor",
            ["19:00:00", "18:30:00"],
        )
    assert post(web, "/admin/reminder-settings/delete", {"pks": "1"}).status_code in (403, 404, 405)


def test_analytics_page_shows_the_line_reminders(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        area = session.scalars(select(Area).where(Area.town == "野方")).first()
        session.add(ReminderSubscription(line_user_id="U-1", area_id=area.id, category_ids=[]))
        today = today_in_tokyo()  # the month the page shows
        session.add_all(
            ReminderDelivery(
                line_user_id=f"U-{n}", collection_date=today, retry_key=f"key-{n}", status=status
            )
            for n, status in enumerate(["sent", "sent", "failed", "blocked"])
        )
        session.commit()
        label = area_label(area)
    login(web, "viewer")
    page = web.get("/admin/analytics").text
    assert "LINE通知の登録者（地域別・現在）" in page
    assert f'<tr><td>{label}</td><td class="text-end">1</td></tr>' in page
    counts = '<td class="text-end">2</td><td class="text-end">2</td>'  # sent, not sent
    assert f"<tr><td>{today.month}/{today.day}</td>{counts}</tr>" in page
    assert "合計 1人" in page


def test_staff_accounts_are_audited_without_their_passwords(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "admin")
    response = post(
        web,
        "/admin/staff-user/create",
        {
            "username": "clerk",
            "role": "editor",
            "active": "y",
            "new_password": "a long passphrase",
            "save": "Save",
        },
    )
    assert response.status_code == 302
    assert login(web, "clerk", "a long passphrase") == 302
    with staff_db() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.summary == "clerk")).one()
        assert entry.actor == "staff:admin"
        assert entry.changes["password_hash"] == [None, "***"]
        assert session.scalar(select(func.count()).select_from(StaffUser)) == len(USERS) + 1
