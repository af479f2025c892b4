"""The staff API and the staff operations, against a real SQLite catalog of the shipped data.

Nothing is mocked: requests go through FastAPI's test client to the real router, tokens are
real hashed tokens, writes go through audited sessions, and whether the bot answers an edit
is asked of the real matcher (real Sudachi) through the live catalog.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import current_revision, get_sessionmaker
from bot.catalog.loader import LiveCatalog
from bot.catalog.models import Alias, AuditLog, Category, Item, UnansweredQuestion
from bot.catalog.schedule import categories_in
from bot.catalog.unanswered import record_unanswered
from bot.settings import Settings
from bot.staff import operations as ops
from bot.staff.accounts import Role, create_token, revoke_token, token_for
from bot.staff.api import router
from bot.staff.audit import acting_as, staff_sessionmaker
from tests.support.catalog import make_catalog


@pytest.fixture
def catalog(tmp_path: Path) -> str:
    """A catalog of its own per test, since tests write to it."""
    return make_catalog(tmp_path / "catalog.sqlite3")


@pytest.fixture
def staff(catalog: str) -> sessionmaker[Session]:
    return staff_sessionmaker(catalog)


@pytest.fixture
def tokens(staff: sessionmaker[Session]) -> dict[str, str]:
    """A live token per role (named after it), and a revoked one."""
    values: dict[str, str] = {}
    with staff() as session, acting_as("test"):
        for role in Role:
            values[role.value] = create_token(session, f"{role.value}-bot", role, "test")
        values["revoked"] = create_token(session, "old-bot", Role.ADMIN, "test")
        session.flush()
        revoked = token_for(session, values["revoked"])
        assert revoked is not None
        revoke_token(session, revoked.id)
        session.commit()
    return values


@pytest.fixture
def client(catalog: str, staff: sessionmaker[Session]) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.settings = Settings(database_url=catalog)
    app.state.staff_sessions = staff
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def item_id(staff: sessionmaker[Session], name: str) -> int:
    with staff() as session:
        found = session.scalar(select(Item.id).where(Item.name == name))
    assert found is not None, name
    return found


def category_id(staff: sessionmaker[Session], name: str) -> int:
    with staff() as session:
        found = session.scalar(select(Category.id).where(Category.name == name))
    assert found is not None, name
    return found


def revision(staff: sessionmaker[Session]) -> int:
    with staff() as session:
        return current_revision(session)


def audit_rows(staff: sessionmaker[Session], table: str | None = None) -> list[AuditLog]:
    query = select(AuditLog).order_by(AuditLog.id)
    if table is not None:
        query = query.where(AuditLog.table == table)
    with staff() as session:
        return list(session.scalars(query))


def dump(url: str) -> dict[str, list[tuple]]:
    """The catalog's rows straight from SQLite, to tell that nothing changed."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("items", "aliases", "categories", "schedules", "catalog_revision")
        }


def answers(catalog: LiveCatalog, text: str) -> list[list[str]]:
    """Per mention, the names of the items the bot would answer with."""
    return [[c.name for c in m.candidates] for m in catalog.index().find(text).mentions]


def ask(catalog_url: str, text: str) -> None:
    """A resident's question the bot could not answer, recorded as the bot does."""
    with get_sessionmaker(catalog_url)() as session:
        record_unanswered(session, text)


def question_id(staff: sessionmaker[Session], text: str) -> int:
    with staff() as session:
        found = session.scalar(select(UnansweredQuestion.id).where(UnansweredQuestion.text == text))
    assert found is not None
    return found


# --- who may do what -------------------------------------------------------------------------

READS = [
    "/api/staff/items",
    "/api/staff/items?q=すぷれー",
    "/api/staff/aliases",
    "/api/staff/categories",
    "/api/staff/areas",
    "/api/staff/unanswered",
    "/api/staff/export",
]


def writes(staff: sessionmaker[Session]) -> list[tuple[str, str, dict]]:
    """One call of every write endpoint that an editor may make (method, path, request)."""
    iron = item_id(staff, "アイロン")
    burnable = category_id(staff, "燃やすごみ")
    with staff() as session:
        alias = session.scalar(select(Alias.id).limit(1))
    return [
        ("POST", "/api/staff/items", {"json": {"name": "ドローン", "category_id": burnable}}),
        ("PATCH", f"/api/staff/items/{iron}", {"json": {"notes": "新しい説明"}}),
        ("DELETE", f"/api/staff/items/{iron}", {}),
        ("POST", "/api/staff/aliases", {"json": {"name": "こて", "item_id": iron}}),
        ("DELETE", f"/api/staff/aliases/{alias}", {}),
        (
            "PATCH",
            "/api/staff/areas/1/schedules",
            {"json": {"schedules": [{"category_id": burnable, "weekdays": [0]}]}},
        ),
        ("PATCH", f"/api/staff/categories/{burnable}", {"json": {"sort_order": 9}}),
        ("POST", "/api/staff/unanswered/1/alias", {"json": {"item_id": iron}}),
        ("POST", "/api/staff/unanswered/1/item", {"json": {"name": "x", "category_id": 1}}),
        ("DELETE", "/api/staff/unanswered/1", {}),
        (
            "POST",
            "/api/staff/import",
            {"files": {"file": ("a.csv", b"label,name,notice,furigana\r\n")}},
        ),
        (
            "POST",
            "/api/staff/import/apply",
            {
                "files": {"file": ("a.csv", b"label,name,notice,furigana\r\n")},
                "data": {"fingerprint": "x"},
            },
        ),
    ]


@pytest.mark.parametrize("path", [*READS, "/api/staff/tokens"])
def test_no_token_is_401_with_a_bearer_challenge(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer nkb_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "nkb_no-scheme"],
)
def test_a_bad_token_is_401(client: TestClient, tokens: dict[str, str], header: str) -> None:
    response = client.get("/api/staff/items", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/staff/items", headers=auth(tokens, "revoked"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
@pytest.mark.parametrize("path", READS)
def test_every_role_reads(client: TestClient, tokens: dict[str, str], role: str, path: str) -> None:
    assert client.get(path, headers=auth(tokens, role)).status_code == 200


def test_a_viewer_cannot_write_anything(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    ask(catalog, "ロボクリンは何ごみ")
    before, audited = dump(catalog), len(audit_rows(staff))
    for method, path, request in writes(staff):
        response = client.request(method, path, headers=auth(tokens, "viewer"), **request)
        assert response.status_code == 403, (method, path, response.text)
        assert "editor" in response.json()["detail"]
    assert dump(catalog) == before
    assert len(audit_rows(staff)) == audited
    assert question_id(staff, "ロボクリンは何ごみ")


def test_an_editor_edits_the_catalog_but_not_tokens(
    client: TestClient, tokens: dict[str, str], staff: sessionmaker[Session]
) -> None:
    editor = auth(tokens, "editor")
    response = client.post(
        "/api/staff/aliases",
        headers=editor,
        json={"name": "こて", "item_id": item_id(staff, "アイロン")},
    )
    assert response.status_code == 201, response.text
    for method, path, request in [
        ("GET", "/api/staff/tokens", {}),
        ("POST", "/api/staff/tokens", {"json": {"name": "mine", "role": "admin"}}),
        ("DELETE", "/api/staff/tokens/1", {}),
    ]:
        response = client.request(method, path, headers=editor, **request)
        assert response.status_code == 403, (method, path)
        assert "admin" in response.json()["detail"]


def test_an_admin_creates_and_revokes_tokens(
    client: TestClient, tokens: dict[str, str], staff: sessionmaker[Session]
) -> None:
    admin = auth(tokens, "admin")
    created = client.post("/api/staff/tokens", headers=admin, json={"name": "ci", "role": "editor"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["token"].startswith("nkb_")
    assert (body["name"], body["role"], body["created_by"], body["active"]) == (
        "ci",
        "editor",
        "token:admin-bot",
        True,
    )
    new = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/staff/items?limit=1", headers=new).status_code == 200

    listed = client.get("/api/staff/tokens", headers=admin).json()
    assert {t["name"]: t["active"] for t in listed} == {
        "viewer-bot": True,
        "editor-bot": True,
        "admin-bot": True,
        "old-bot": False,
        "ci": True,
    }
    assert all("token" not in t for t in listed)  # the value is shown once only

    revoked = client.delete(f"/api/staff/tokens/{body['id']}", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert client.get("/api/staff/items?limit=1", headers=new).status_code == 401
    assert client.delete("/api/staff/tokens/9999", headers=admin).status_code == 404

    [row] = [
        r for r in audit_rows(staff, "staff_tokens") if r.summary == "ci" and r.action == "create"
    ]
    assert row.actor == "token:admin-bot"
    assert row.changes["token_hash"] == [None, "***"]  # never the hash, let alone the token


def test_a_token_with_an_unknown_role_is_refused(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.post(
        "/api/staff/tokens", headers=auth(tokens, "admin"), json={"name": "x", "role": "root"}
    )
    assert response.status_code == 422


# --- edits are answered at once, and audited -------------------------------------------------


def test_an_alias_added_through_the_api_is_answered_at_once(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    live = LiveCatalog(get_sessionmaker(catalog))
    assert answers(live, "ロボクリンは何ごみ？") == []
    rev = revision(staff)
    vacuum = item_id(staff, "掃除機")

    response = client.post(
        "/api/staff/aliases",
        headers=auth(tokens, "editor"),
        json={"name": "ロボクリン", "item_id": vacuum},
    )
    assert response.status_code == 201, response.text
    assert response.json()["item_name"] == "掃除機"

    assert revision(staff) > rev
    assert answers(live, "ロボクリンは何ごみ？") == [["掃除機"]]
    assert answers(live, "ﾛﾎﾞｸﾘﾝ") == [["掃除機"]]
    [row] = audit_rows(staff, "aliases")
    assert (row.actor, row.action, row.summary) == ("token:editor-bot", "create", "ロボクリン")
    assert row.changes["name"] == [None, "ロボクリン"]
    assert row.changes["item_id"] == [None, vacuum]

    listed = client.get(
        "/api/staff/aliases", headers=auth(tokens, "viewer"), params={"item_id": vacuum}
    ).json()
    assert "ロボクリン" in [a["name"] for a in listed["items"]]

    # The same name again, in another width, is a duplicate.
    again = client.post(
        "/api/staff/aliases",
        headers=auth(tokens, "editor"),
        json={"name": "ﾛﾎﾞｸﾘﾝ", "item_id": vacuum},
    )
    assert again.status_code == 409
    assert "ロボクリン" in again.json()["detail"]

    deleted = client.delete(
        f"/api/staff/aliases/{response.json()['id']}", headers=auth(tokens, "editor")
    )
    assert deleted.status_code == 204
    assert answers(live, "ロボクリンは何ごみ？") == []


def test_an_item_edit_is_answered_at_once_and_audited_with_old_and_new_values(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    live = LiveCatalog(get_sessionmaker(catalog))
    [[iron]] = [list(m.candidates) for m in live.index().find("アイロン").mentions]
    assert iron.category == "陶器・ガラス・金属ごみ"
    burnable = category_id(staff, "燃やすごみ")

    response = client.patch(
        f"/api/staff/items/{iron.id}",
        headers=auth(tokens, "editor"),
        json={"category_id": burnable, "notes": "詳しくは https://example.jp/iron"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["category"], body["url"]) == ("燃やすごみ", "https://example.jp/iron")
    assert body["reading"] == "あいろん"  # fields not sent are kept

    [[after]] = [list(m.candidates) for m in live.index().find("アイロン").mentions]
    assert (after.category, after.url) == ("燃やすごみ", "https://example.jp/iron")
    [row] = audit_rows(staff, "items")
    assert (row.actor, row.action, row.row_id, row.summary) == (
        "token:editor-bot",
        "update",
        str(iron.id),
        "アイロン",
    )
    assert row.changes["notes"] == ["", "詳しくは https://example.jp/iron"]
    assert row.changes["url"] == [None, "https://example.jp/iron"]
    assert row.changes["category"] == ["陶器・ガラス・金属ごみ", "燃やすごみ"]


def test_items_are_created_read_and_deleted(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    editor = auth(tokens, "editor")
    live = LiveCatalog(get_sessionmaker(catalog))
    assert answers(live, "ハンディファン") == []
    created = client.post(
        "/api/staff/items",
        headers=editor,
        json={
            "name": "ハンディファン",
            "category_id": category_id(staff, "使用済小型家電（拠点回収）"),
            "notes": "電池を外して出してください。",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["reading"] == "はんでぃふぁん"  # suggested from Sudachi's reading
    assert body["source_row"] is None
    assert answers(live, "ハンディファンは何ごみ？") == [["ハンディファン"]]

    got = client.get(f"/api/staff/items/{body['id']}", headers=auth(tokens, "viewer"))
    assert got.json() == body
    alias = client.post(
        "/api/staff/aliases", headers=editor, json={"name": "携帯扇風機", "item_id": body["id"]}
    )
    assert alias.status_code == 201

    assert client.delete(f"/api/staff/items/{body['id']}", headers=editor).status_code == 204
    assert client.get(f"/api/staff/items/{body['id']}", headers=editor).status_code == 404
    assert answers(live, "ハンディファン") == []
    with staff() as session:
        assert session.scalar(select(Alias).where(Alias.name == "携帯扇風機")) is None
    deletions = {(r.table, r.summary) for r in audit_rows(staff) if r.action == "delete"}
    assert deletions == {("items", "ハンディファン"), ("aliases", "携帯扇風機")}


@pytest.mark.parametrize(
    ("method", "path", "request_body", "status", "message"),
    [
        ("GET", "/api/staff/items/99999", None, 404, "品目 99999 はありません"),
        ("PATCH", "/api/staff/items/99999", {"notes": "x"}, 404, "品目 99999"),
        ("DELETE", "/api/staff/items/99999", None, 404, "品目 99999"),
        ("DELETE", "/api/staff/aliases/99999", None, 404, "別名 99999"),
        ("POST", "/api/staff/aliases", {"name": "x", "item_id": 99999}, 404, "品目 99999"),
        ("POST", "/api/staff/items", {"name": "x", "category_id": 999}, 404, "種別 999"),
        ("POST", "/api/staff/items", {"name": "アイロン", "category_id": 1}, 409, "すでに"),
        ("POST", "/api/staff/items", {"name": "   ", "category_id": 1}, 422, "品目名を入力"),
        ("POST", "/api/staff/items", {"category_id": 1}, 422, None),
        (
            "POST",
            "/api/staff/items",
            {"name": "x", "category_id": 1, "url": "javascript:alert(1)"},
            422,
            "https://",
        ),
        ("PATCH", "/api/staff/items/1", {"name": None}, 422, "name"),
        ("PATCH", "/api/staff/items/1", {"name": "アイス枕"}, 409, "アイス枕"),
        ("GET", "/api/staff/items?limit=0", None, 422, None),
        ("GET", "/api/staff/items?limit=501", None, 422, None),
        ("GET", "/api/staff/export?format=excel", None, 422, None),
        ("GET", "/api/staff/export?encoding=latin-1", None, 422, None),
        ("POST", "/api/staff/unanswered/99999/alias", {"item_id": 1}, 404, "未回答の質問"),
        ("DELETE", "/api/staff/unanswered/99999", None, 404, "未回答の質問"),
        (
            "PATCH",
            "/api/staff/areas/99999/schedules",
            {"schedules": [{"category_id": 1, "weekdays": [1]}]},
            404,
            "地域",
        ),
        (
            "PATCH",
            "/api/staff/areas/1/schedules",
            {"schedules": [{"category_id": 1, "weekdays": [7]}]},
            422,
            None,
        ),
    ],
)
def test_errors_say_what_is_wrong(
    client: TestClient,
    tokens: dict[str, str],
    catalog: str,
    method: str,
    path: str,
    request_body: dict | None,
    status: int,
    message: str | None,
) -> None:
    before = dump(catalog)
    response = client.request(method, path, headers=auth(tokens, "editor"), json=request_body)
    assert response.status_code == status, response.text
    if message is not None:
        assert message in str(response.json()["detail"])
    assert dump(catalog) == before


# --- reading the catalog ---------------------------------------------------------------------


def test_items_are_searched_in_any_script_filtered_and_paged(
    client: TestClient, tokens: dict[str, str]
) -> None:
    viewer = auth(tokens, "viewer")

    def names(**params: object) -> tuple[int, list[str]]:
        body = client.get("/api/staff/items", headers=viewer, params=params).json()
        return body["total"], [i["name"] for i in body["items"]]

    total, first = names(q="スプレー缶")
    assert first[0] == "スプレー缶"
    for spelling in ("すぷれーかん", "ｽﾌﾟﾚｰ缶", "スプレ－缶"):
        assert names(q=spelling) == (total, first), spelling
    # By an alias: 「ノートPC」 is another name of パソコン.
    assert "パソコン" in names(q="ﾉｰﾄPC")[1]
    # Exact matches first, then names starting with the text, then the rest.
    _, chairs = names(q="いす")
    assert chairs[:3] == ["いす（金属製）", "いす（プラスチック製）", "いす（木製）"]

    everything, page = names(limit=10, offset=0)
    assert everything == 942
    assert len(page) == 10
    assert names(limit=10, offset=10)[1][0] != page[0]
    assert names(limit=10, offset=940) == (942, names(limit=500, offset=442)[1][498:])

    bulky, bulky_names = names(category="粗大ごみ", limit=500)
    assert 0 < bulky < everything
    assert "アイロン台" in bulky_names
    body = client.get(
        "/api/staff/items", headers=viewer, params={"category": "粗大ごみ", "q": "いす"}
    ).json()
    assert {i["category"] for i in body["items"]} == {"粗大ごみ"}
    categories = client.get("/api/staff/categories", headers=viewer).json()
    [bulky_category] = [c for c in categories if c["name"] == "粗大ごみ"]
    assert bulky_category["item_count"] == bulky
    by_id = client.get(
        "/api/staff/items", headers=viewer, params={"category_id": bulky_category["id"]}
    ).json()
    assert by_id["total"] == bulky


def test_areas_list_their_schedules_and_can_be_changed(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    areas = client.get(
        "/api/staff/areas", headers=auth(tokens, "viewer"), params={"town": "あらい"}
    )
    [area, *_] = [a for a in areas.json() if a["chome_text"] == "1;2;4;5"]
    assert area["town"] == "新井"
    rules = {s["category"]: (s["text"], s["source_text"]) for s in area["schedules"]}
    assert rules["燃やすごみ"] == ("火曜日・金曜日", "火曜日;金曜日")
    assert rules["陶器・ガラス・金属ごみ"] == ("第2・第4土曜日", "第2;第4土曜日")

    metal = category_id(staff, "陶器・ガラス・金属ごみ")
    rev = revision(staff)
    response = client.patch(
        f"/api/staff/areas/{area['id']}/schedules",
        headers=auth(tokens, "editor"),
        json={"schedules": [{"category_id": metal, "weekdays": [5], "nth_weeks": [1, 3]}]},
    )
    assert response.status_code == 200, response.text
    rules = {s["category"]: s["source_text"] for s in response.json()["schedules"]}
    assert rules["陶器・ガラス・金属ごみ"] == "第1;第3土曜日"
    assert rules["燃やすごみ"] == "火曜日;金曜日"  # not listed: kept
    assert revision(staff) > rev
    [row] = audit_rows(staff, "schedules")
    assert row.actor == "token:editor-bot"
    assert row.changes["nth_weeks"] == [[2, 4], [1, 3]]
    live = LiveCatalog(get_sessionmaker(catalog))
    [shinarai] = [a for a in live.areas().areas if a.town == "新井" and a.chome_text == "1;2;4;5"]
    assert {s.category.name: s.nth_weeks for s in shinarai.schedules}["陶器・ガラス・金属ごみ"] == [
        1,
        3,
    ]


def test_categories_carry_their_order_resource_mark_and_collection(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    listed = client.get("/api/staff/categories", headers=auth(tokens, "viewer")).json()
    by_name = {c["name"]: c for c in listed}
    assert by_name["燃やすごみ"]["sort_order"] == 1
    assert by_name["燃やすごみ"]["collected"] is True
    assert by_name["燃やすごみ"]["resource"] is False
    assert by_name["資源プラスチック"]["resource"] is True
    assert by_name["粗大ごみ"]["collected"] is False
    assert "週2回" in by_name["燃やすごみ"]["description"]

    burnable = by_name["燃やすごみ"]["id"]
    rev = revision(staff)
    response = client.patch(
        f"/api/staff/categories/{burnable}",
        headers=auth(tokens, "editor"),
        json={"sort_order": 9, "resource": True},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["sort_order"], changed["resource"]) == (9, True)
    assert changed["name"] == "燃やすごみ"  # not sent: kept
    assert revision(staff) > rev
    [row] = audit_rows(staff, "categories")
    assert row.actor == "token:editor-bot"
    assert row.changes == {"sort_order": [1, 9], "resource": [False, True]}
    guide = LiveCatalog(get_sessionmaker(catalog)).categories()
    assert guide.collected()[-1] == "燃やすごみ"
    assert "燃やすごみ" in guide.resources()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"name": "粗大ごみ"}, 409, "すでにあります"),
        ({"sort_order": -1}, 422, "sort_order"),
        ({"name": None}, 422, "name"),
        ({"resource": None}, 422, "resource"),
        ({"name": "x" * 101}, 422, "name"),
    ],
)
def test_a_bad_category_change_is_refused_and_changes_nothing(
    client: TestClient,
    tokens: dict[str, str],
    catalog: str,
    staff: sessionmaker[Session],
    body: dict,
    status: int,
    words: str,
) -> None:
    before = dump(catalog)
    response = client.patch(
        f"/api/staff/categories/{category_id(staff, '燃やすごみ')}",
        headers=auth(tokens, "editor"),
        json=body,
    )
    assert response.status_code == status, response.text
    assert words in response.text
    assert dump(catalog) == before


def test_a_category_given_days_is_a_day_question_on_the_next_message(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    """The defect of issue #16: a schedule for a category outside a list in the code. Days
    for 乾電池 (the ward collects them in boxes) are read at once as that category's, in
    the table's order, by the reading every message gets."""
    live = LiveCatalog(get_sessionmaker(catalog))
    question = "乾電池と燃えるごみは何曜日？"
    assert categories_in(question, live.categories()) == ["燃やすごみ"]
    batteries = category_id(staff, "乾電池（拠点回収）")
    areas = client.get("/api/staff/areas", headers=auth(tokens, "viewer"), params={"town": "野方"})
    [area] = [a for a in areas.json() if a["chome_text"] == "3"]
    response = client.patch(
        f"/api/staff/areas/{area['id']}/schedules",
        headers=auth(tokens, "editor"),
        json={"schedules": [{"category_id": batteries, "weekdays": [2]}]},
    )
    assert response.status_code == 200, response.text
    assert categories_in(question, live.categories()) == ["燃やすごみ", "乾電池（拠点回収）"]
    listed = client.get("/api/staff/categories", headers=auth(tokens, "viewer")).json()
    assert {c["name"]: c["collected"] for c in listed}["乾電池（拠点回収）"] is True


# --- notices (お知らせ) ----------------------------------------------------------------------


def area_id(client: TestClient, tokens: dict[str, str], town: str, chome: int) -> int:
    areas = client.get("/api/staff/areas", headers=auth(tokens, "viewer"), params={"town": town})
    return next(a["id"] for a in areas.json() if chome in a["chome"])


def test_notices_are_created_listed_changed_and_deleted(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    nogata3 = area_id(client, tokens, "野方", 3)
    burnable = category_id(staff, "燃やすごみ")
    body = {
        "kind": "cancelled",
        "starts_on": "2026-12-29",
        "area_ids": [nogata3],
        "category_ids": [burnable],
        "text": "清掃工場の点検のため、収集しません。",
    }
    refused = client.post("/api/staff/notices", headers=auth(tokens, "viewer"), json=body)
    assert refused.status_code == 403
    rev = revision(staff)
    created = client.post("/api/staff/notices", headers=auth(tokens, "editor"), json=body)
    assert created.status_code == 201, created.text
    notice = created.json()
    assert notice["ends_on"] == "2026-12-29"  # one day unless said
    assert notice["label"] == "2026年12月29日（火） 収集なし"
    assert notice["areas"] == [{"id": nogata3, "name": "野方3丁目"}]
    assert notice["categories"] == [{"id": burnable, "name": "燃やすごみ"}]
    assert revision(staff) > rev  # the bot reloads
    live = LiveCatalog(get_sessionmaker(catalog))
    assert [n.id for n in live.notices()] == [notice["id"]]

    everywhere = client.post(
        "/api/staff/notices",
        headers=auth(tokens, "editor"),
        json={"kind": "info", "starts_on": "2027-01-04", "ends_on": "2027-01-08",
              "all_areas": True, "text": "年始は収集に時間がかかります。"},
    )  # fmt: skip
    assert everywhere.status_code == 201, everywhere.text

    listed = client.get("/api/staff/notices", headers=auth(tokens, "viewer")).json()
    assert listed["total"] == 2
    assert [n["kind"] for n in listed["items"]] == ["cancelled", "info"]
    later = client.get(
        "/api/staff/notices", headers=auth(tokens, "viewer"), params={"ending_from": "2027-01-01"}
    ).json()
    assert [n["kind"] for n in later["items"]] == ["info"]
    elsewhere = area_id(client, tokens, "野方", 4)
    there = client.get(
        "/api/staff/notices", headers=auth(tokens, "viewer"), params={"area_id": elsewhere}
    ).json()
    assert [n["kind"] for n in there["items"]] == ["info"]  # the all-areas one only

    moved = client.patch(
        f"/api/staff/notices/{notice['id']}",
        headers=auth(tokens, "editor"),
        json={"kind": "moved", "moved_to": "2026-12-30"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["label"] == "2026年12月29日（火） 別の日に振替（2026年12月30日（水）へ）"
    assert moved.json()["areas"] == notice["areas"]  # not sent: kept
    wrong = client.patch(
        f"/api/staff/notices/{notice['id']}",
        headers=auth(tokens, "editor"),
        json={"moved_to": "2026-12-29"},
    )
    assert wrong.status_code == 422
    assert "期間の外" in wrong.json()["detail"]

    gone = client.delete(f"/api/staff/notices/{notice['id']}", headers=auth(tokens, "editor"))
    assert gone.status_code == 204
    missing = client.get(f"/api/staff/notices/{notice['id']}", headers=auth(tokens, "viewer"))
    assert missing.status_code == 404
    assert "お知らせ" in missing.json()["detail"]
    rows = audit_rows(staff, "notices")
    assert [r.action for r in rows] == ["create", "create", "update", "delete"]
    assert {r.actor for r in rows} == {"token:editor-bot"}
    assert rows[2].changes["moved_to"] == [None, "2026-12-30"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "moved", "starts_on": "2026-12-29", "all_areas": True}, "振替先の日"),
        ({"kind": "cancelled", "starts_on": "2026-12-29"}, "地域を選ぶか"),
        (
            {"kind": "cancelled", "starts_on": "2026-12-29", "ends_on": "2026-12-01",
             "all_areas": True},
            "終了日",
        ),
        ({"kind": "cancelled", "starts_on": "2026-12-29", "area_ids": [99999]}, "地域 99999"),
    ],
)  # fmt: skip
def test_a_notice_that_makes_no_sense_is_refused_with_the_reason(
    client: TestClient, tokens: dict[str, str], staff: sessionmaker[Session], body: dict,
    message: str,
) -> None:  # fmt: skip
    response = client.post("/api/staff/notices", headers=auth(tokens, "editor"), json=body)
    assert response.status_code in (404, 422), response.text
    assert message in response.json()["detail"]
    assert audit_rows(staff, "notices") == []


# --- unanswered questions --------------------------------------------------------------------


def test_unanswered_questions_are_ranked_and_turned_into_an_alias(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    for text in [
        "ロボクリンは何ごみ",
        "ﾛﾎﾞｸﾘﾝは何ごみ",
        "ロボクリンは何ごみ",
        "あいうえお",
        "ヨガマット",
    ]:
        ask(catalog, text)
    ask(catalog, "ヨガマット")
    listed = client.get("/api/staff/unanswered", headers=auth(tokens, "viewer")).json()
    assert [(q["text"], q["count"]) for q in listed["items"]] == [
        ("ロボクリンは何ごみ", 3),
        ("ヨガマット", 2),
        ("あいうえお", 1),
    ]
    assert listed["total"] == 3
    second = client.get(
        "/api/staff/unanswered", headers=auth(tokens, "viewer"), params={"limit": 1, "offset": 1}
    ).json()
    assert (second["total"], [q["text"] for q in second["items"]]) == (3, ["ヨガマット"])
    top = listed["items"][0]
    assert top["first_seen"] <= top["last_seen"]
    assert top["last_seen"].endswith(("Z", "+00:00"))

    live = LiveCatalog(get_sessionmaker(catalog))
    assert answers(live, "ロボクリンは何ごみ") == []
    rev = revision(staff)
    response = client.post(
        f"/api/staff/unanswered/{top['id']}/alias",
        headers=auth(tokens, "editor"),
        json={"item_id": item_id(staff, "掃除機"), "alias_name": "ロボクリン"},
    )
    assert response.status_code == 201, response.text
    assert (response.json()["name"], response.json()["item_name"]) == ("ロボクリン", "掃除機")
    assert answers(live, "ロボクリンは何ごみ") == [["掃除機"]]
    assert revision(staff) > rev
    remaining = client.get("/api/staff/unanswered", headers=auth(tokens, "viewer")).json()
    assert [q["text"] for q in remaining["items"]] == ["ヨガマット", "あいうえお"]
    # One change, two audit rows in the same transaction: the alias and the question.
    rows = {(r.table, r.action, r.actor) for r in audit_rows(staff)}
    assert {
        ("aliases", "create", "token:editor-bot"),
        ("unanswered_questions", "delete", "token:editor-bot"),
    } <= rows

    # Done twice (another tab), it is a clear 404, not a second alias.
    again = client.post(
        f"/api/staff/unanswered/{top['id']}/alias",
        headers=auth(tokens, "editor"),
        json={"item_id": item_id(staff, "掃除機")},
    )
    assert again.status_code == 404


def test_an_unanswered_question_becomes_a_new_item_or_is_dismissed(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    ask(catalog, "ハンディファン")
    ask(catalog, "ああああ")
    editor = auth(tokens, "editor")
    response = client.post(
        f"/api/staff/unanswered/{question_id(staff, 'ハンディファン')}/item",
        headers=editor,
        json={
            "name": "ハンディファン",
            "category_id": category_id(staff, "使用済小型家電（拠点回収）"),
            "notes": "小型家電回収ボックスへ",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["reading"] == "はんでぃふぁん"
    live = LiveCatalog(get_sessionmaker(catalog))
    assert answers(live, "ハンディファンの捨て方") == [["ハンディファン"]]

    nonsense = question_id(staff, "ああああ")
    assert client.delete(f"/api/staff/unanswered/{nonsense}", headers=editor).status_code == 204
    assert client.get("/api/staff/unanswered", headers=editor).json()["total"] == 0


def test_a_refused_conversion_keeps_the_question(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    ask(catalog, "ノートPC")
    before = dump(catalog)
    response = client.post(
        f"/api/staff/unanswered/{question_id(staff, 'ノートPC')}/alias",
        headers=auth(tokens, "editor"),
        json={"item_id": item_id(staff, "パソコン")},
    )
    assert response.status_code == 409
    assert "ノートPC" in response.json()["detail"]
    assert dump(catalog) == before
    assert question_id(staff, "ノートPC")


# --- the operations themselves ---------------------------------------------------------------


def test_operations_refuse_with_japanese_messages(
    catalog: str, staff: sessionmaker[Session]
) -> None:
    ask(catalog, "ロボクリン")
    question = question_id(staff, "ロボクリン")
    vacuum = item_id(staff, "掃除機")
    with staff() as session:
        with pytest.raises(ops.NotFoundError, match="未回答の質問 999 はありません"):
            ops.alias_from_unanswered(session, 999, vacuum)
        with pytest.raises(ops.NotFoundError, match="品目 99999 はありません"):
            ops.alias_from_unanswered(session, question, 99999)
        with pytest.raises(ops.ConflictError, match="品目「掃除機」の名前か読みと同じ"):
            ops.alias_from_unanswered(session, question, vacuum, "そうじき")
        with pytest.raises(ops.OperationError, match="別名を入力"):
            ops.alias_from_unanswered(session, question, vacuum, " ")
        session.rollback()
    with staff() as session, acting_as("admin:sato"):
        alias = ops.alias_from_unanswered(session, question, vacuum)
        assert alias.name == "ロボクリン"  # the question's text by default
        session.commit()
    with staff() as session:
        assert session.get(UnansweredQuestion, question) is None
        with pytest.raises(ops.ConflictError, match="別名「ロボクリン」がすでにあります"):
            ops.add_alias(session, vacuum, "ろぼくりん")
    assert {r.actor for r in audit_rows(staff) if r.table == "aliases"} == {"admin:sato"}


def test_readings_are_suggested_in_the_catalogs_style() -> None:
    assert ops.suggest_reading("ざる（木製）") == "ざる（もくせい）"
    assert ops.suggest_reading("電動歯ブラシ") == "でんどうはぶらし"
    assert ops.suggest_reading("三輪車／※子供用遊具") == "さんりんしゃ／※こどもようゆうぐ"


# --- export and import -----------------------------------------------------------------------


def upload(data: bytes, name: str = "items.csv", **form: str) -> dict:
    return {"files": {"file": (name, data, "text/csv")}, "data": form}


@pytest.mark.parametrize(
    ("fmt", "encoding"),
    [
        ("nakano", "utf-8"),
        ("nakano", "cp932"),
        ("digital-agency", "utf-8-sig"),
        ("digital-agency-old", "cp932"),
        ("5374", "utf-8"),
    ],
)
def test_export_then_import_through_the_api_changes_nothing(
    client: TestClient, tokens: dict[str, str], catalog: str, fmt: str, encoding: str
) -> None:
    exported = client.get(
        "/api/staff/export",
        headers=auth(tokens, "viewer"),
        params={"format": fmt, "encoding": encoding},
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    before = dump(catalog)

    editor = auth(tokens, "editor")
    preview = client.post("/api/staff/import", headers=editor, **upload(exported.content))
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["format"], body["encoding"]) == (fmt, encoding)
    assert (body["added"], body["changed"], body["removed"]) == ([], [], [])
    assert body["unchanged"] == 942
    assert body["fingerprint"]

    applied = client.post(
        "/api/staff/import/apply",
        headers=editor,
        **upload(exported.content, fingerprint=body["fingerprint"]),
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["summary"] == body["summary"]
    assert dump(catalog) == before


def edited_table(client: TestClient, tokens: dict[str, str]) -> bytes:
    exported = client.get("/api/staff/export", headers=auth(tokens, "viewer")).content
    lines = exported.decode().split("\r\n")
    lines = [
        "アイロン,あいろん,燃やすごみ," if line.startswith("アイロン,") else line
        for line in lines
        if not line.startswith("パソコン,")
    ]
    lines.insert(-1, "ドローン,どろーん,粗大ごみ,電池を外して出す")
    return "\r\n".join(lines).encode()


def test_an_import_is_previewed_then_applied_audited_and_answered(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    data = edited_table(client, tokens)
    editor = auth(tokens, "editor")
    before, rev = dump(catalog), revision(staff)
    preview = client.post("/api/staff/import", headers=editor, **upload(data)).json()
    assert preview["summary"].startswith("1 added, 1 changed, 1 removed, 940 unchanged")
    assert preview["changed"] == [
        {
            "line": 4,
            "name": "アイロン",
            "fields": [{"field": "category", "old": "陶器・ガラス・金属ごみ", "new": "燃やすごみ"}],
        }
    ]
    assert "ノートPC" in preview["removed"][0]["aliases"]
    assert dump(catalog) == before  # a preview writes nothing

    applied = client.post(
        "/api/staff/import/apply",
        headers=editor,
        **upload(data, fingerprint=preview["fingerprint"]),
    )
    assert applied.status_code == 200, applied.text
    assert revision(staff) > rev
    live = LiveCatalog(get_sessionmaker(catalog))
    assert answers(live, "ドローン") == [["ドローン"]]
    assert [c.category for m in live.index().find("アイロン").mentions for c in m.candidates] == [
        "燃やすごみ"
    ]
    rows = audit_rows(staff)
    assert {(r.table, r.action, r.summary) for r in rows} >= {
        ("items", "create", "ドローン"),
        ("items", "update", "アイロン"),
        ("items", "delete", "パソコン"),
        ("aliases", "delete", "ノートPC"),
    }
    assert {r.actor for r in rows if r.table in ("items", "aliases")} == {"token:editor-bot"}


def test_a_bad_file_is_422_with_line_numbers_and_changes_nothing(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    lines = edited_table(client, tokens).decode().split("\r\n")
    lines[499] = ",なし,燃やすごみ,"
    lines[599] = "物,もの,,"
    data = "\r\n".join(lines).encode()
    before, audited = dump(catalog), len(audit_rows(staff))
    editor = auth(tokens, "editor")

    for path, form in [
        ("/api/staff/import", {}),
        ("/api/staff/import/apply", {"fingerprint": "0123456789abcdef"}),
    ]:
        response = client.post(path, headers=editor, **upload(data, "bad.csv", **form))
        assert response.status_code == 422, path
        detail = response.json()["detail"]
        assert "何も変更していません" in detail["message"]
        assert [(e["file"], e["line"]) for e in detail["errors"]] == [
            ("bad.csv", 500),
            ("bad.csv", 600),
        ]
        assert "ごみの品目が空です" in detail["errors"][0]["message"]
    assert dump(catalog) == before
    assert len(audit_rows(staff)) == audited


def test_a_stale_preview_is_409_and_changes_nothing(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    data = edited_table(client, tokens)
    editor = auth(tokens, "editor")
    preview = client.post("/api/staff/import", headers=editor, **upload(data)).json()
    # Meanwhile someone edits an item the file changes too.
    patched = client.patch(
        f"/api/staff/items/{item_id(staff, 'アイロン')}", headers=editor, json={"notes": "注意"}
    )
    assert patched.status_code == 200
    before = dump(catalog)
    response = client.post(
        "/api/staff/import/apply",
        headers=editor,
        **upload(data, fingerprint=preview["fingerprint"]),
    )
    assert response.status_code == 409
    assert "もう一度プレビュー" in response.json()["detail"]
    assert dump(catalog) == before


def test_an_export_in_cp932_names_what_it_cannot_hold(
    client: TestClient, tokens: dict[str, str], staff: sessionmaker[Session]
) -> None:
    client.patch(
        f"/api/staff/items/{item_id(staff, 'アイロン')}",
        headers=auth(tokens, "editor"),
        json={"notes": "10〜20cm — 目安"},
    )
    response = client.get(
        "/api/staff/export", headers=auth(tokens, "viewer"), params={"encoding": "cp932"}
    )
    assert response.status_code == 422
    assert "「アイロン」の「—」（U+2014）" in response.json()["detail"]


# --- the documentation -----------------------------------------------------------------------


def test_openapi_documents_the_endpoints_and_the_bearer_scheme(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["StaffToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["StaffToken"]["description"],
    }
    expected = {
        ("/api/staff/items", "get"),
        ("/api/staff/items", "post"),
        ("/api/staff/items/{item_id}", "get"),
        ("/api/staff/items/{item_id}", "patch"),
        ("/api/staff/items/{item_id}", "delete"),
        ("/api/staff/aliases", "get"),
        ("/api/staff/aliases", "post"),
        ("/api/staff/aliases/{alias_id}", "delete"),
        ("/api/staff/aliases/{alias_id}", "patch"),
        ("/api/staff/aliases/export", "get"),
        ("/api/staff/aliases/import", "post"),
        ("/api/staff/categories", "get"),
        ("/api/staff/categories/{category_id}", "patch"),
        ("/api/staff/areas", "get"),
        ("/api/staff/areas/{area_id}/schedules", "patch"),
        ("/api/staff/notices", "get"),
        ("/api/staff/notices", "post"),
        ("/api/staff/notices/{notice_id}", "get"),
        ("/api/staff/notices/{notice_id}", "patch"),
        ("/api/staff/notices/{notice_id}", "delete"),
        ("/api/staff/unanswered", "get"),
        ("/api/staff/unanswered/{question_id}/alias", "post"),
        ("/api/staff/unanswered/{question_id}/item", "post"),
        ("/api/staff/unanswered/{question_id}/example", "post"),
        ("/api/staff/unanswered/{question_id}", "delete"),
        ("/api/staff/texts", "get"),
        ("/api/staff/texts", "post"),
        ("/api/staff/texts/{key}", "get"),
        ("/api/staff/texts/{key}", "patch"),
        ("/api/staff/export", "get"),
        ("/api/staff/import", "post"),
        ("/api/staff/import/apply", "post"),
        ("/api/staff/tokens", "get"),
        ("/api/staff/tokens", "post"),
        ("/api/staff/tokens/{token_id}", "delete"),
    }
    found = {
        (path, method)
        for path, operations in spec["paths"].items()
        for method in operations
        if path.startswith("/api/staff/")
    }
    assert found == expected
    for path, method in expected:
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"StaffToken": []}], (path, method)
        assert operation["summary"]
        assert "401" in operation["responses"]
    item = spec["components"]["schemas"]["ItemOut"]["properties"]
    assert item["category"]["description"]


# --- texts and knowledge entries -------------------------------------------------------------


def best_entry(catalog: LiveCatalog, text: str) -> str | None:
    hits = catalog.knowledge().search(text)
    return hits[0].entry.key if hits and hits[0].coverage >= 0.5 else None


def test_texts_are_listed_read_and_edited_by_role(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    listed = client.get("/api/staff/texts", headers=auth(tokens, "viewer")).json()
    rules = next(t for t in listed if t["key"] == "collection_rules")
    assert "8時" in rules["body"]
    assert rules["examples"]
    assert client.get("/api/staff/texts/nothing", headers=auth(tokens, "viewer")).status_code == 404
    change = {"examples": [*rules["examples"], "ゴミ当番はありますか"]}
    refused = client.patch(
        "/api/staff/texts/collection_rules", headers=auth(tokens, "viewer"), json=change
    )
    assert refused.status_code == 403
    rev = revision(staff)
    live = LiveCatalog(get_sessionmaker(catalog))
    assert best_entry(live, "ゴミ当番はありますか") != "collection_rules"
    edited = client.patch(
        "/api/staff/texts/collection_rules", headers=auth(tokens, "editor"), json=change
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["examples"][-1] == "ゴミ当番はありますか"
    assert revision(staff) == rev + 1
    assert best_entry(live, "ゴミ当番はありますか") == "collection_rules"
    assert [r.table for r in audit_rows(staff)][-1] == "ward_texts"


def test_a_new_knowledge_entry_and_its_checks(
    client: TestClient, tokens: dict[str, str], catalog: str
) -> None:
    editor = auth(tokens, "editor")
    entry = {
        "key": "community_cleanup",
        "title": "地域の清掃活動のごみ",
        "body": "清掃事務所へお問い合わせください。",
        "examples": ["町内会の清掃で出たごみ"],
        "url": "https://www.city.tokyo-nakano.lg.jp/",
    }
    assert client.post("/api/staff/texts", headers=editor, json=entry).status_code == 201
    assert client.post("/api/staff/texts", headers=editor, json=entry).status_code == 409
    bad_link = {**entry, "key": "other", "url": "javascript:alert(1)"}
    refused = client.post("/api/staff/texts", headers=editor, json=bad_link)
    assert refused.status_code == 422
    assert "http" in refused.json()["detail"]
    bad_key = {**entry, "key": "Bad Key"}
    assert client.post("/api/staff/texts", headers=editor, json=bad_key).status_code == 422
    live = LiveCatalog(get_sessionmaker(catalog))
    assert best_entry(live, "町内会の清掃で出たごみはどうする") == "community_cleanup"


def test_an_unanswered_question_becomes_an_example_of_an_entry(
    client: TestClient, tokens: dict[str, str], catalog: str, staff: sessionmaker[Session]
) -> None:
    ask(catalog, "ごみ当番の順番")
    live = LiveCatalog(get_sessionmaker(catalog))
    assert best_entry(live, "ごみ当番の順番") is None
    response = client.post(
        f"/api/staff/unanswered/{question_id(staff, 'ごみ当番の順番')}/example",
        headers=auth(tokens, "editor"),
        json={"key": "ask_office"},
    )
    assert response.status_code == 201, response.text
    assert "ごみ当番の順番" in response.json()["examples"]
    assert best_entry(live, "ごみ当番の順番") == "ask_office"
    with staff() as session:
        assert session.scalar(select(UnansweredQuestion)) is None
