"""Foreign residents, the staff side (issue #14, items 3, 4 and 8): translations and
aliases in other languages corrected in /admin, and the language in the unanswered
questions, the monthly figures and the staff API.

Real parts throughout: a real SQLite catalog of the shipped data, the real app with
sqladmin through FastAPI's test client, and the real action code answering residents
(``actions.answers.ActionRespond``, as tests/actions/test_actions.py runs it), which reads the
same database the clerk edits.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import answers
from bot.catalog.db import current_revision
from bot.catalog.models import (
    Alias,
    AuditLog,
    ChatEvent,
    Item,
    Translation,
    UnansweredQuestion,
    WardText,
)
from bot.server.app import create_app
from bot.settings import Settings
from bot.staff import analytics
from bot.staff.accounts import Role, create_token, create_user
from bot.staff.audit import acting_as, staff_sessionmaker
from bot.staff.translations import JAPANESE_CHANGED, target_id
from tests.support.actions import run
from tests.support.admin import ENGLISH, PASSWORD, USERS, csrf, login, post, visible_text

UNTRANSLATED = "(Not yet translated into English; here it is in Japanese.)"


@pytest.fixture
def staff_db(actions_catalog: str) -> sessionmaker[Session]:
    """The catalog the actions answer from, with one staff account per role."""
    sessions = staff_sessionmaker(actions_catalog)
    with sessions() as session:
        for username, role in USERS.items():
            create_user(session, username, PASSWORD, role)
        session.commit()
    return sessions


@pytest.fixture
def web(staff_db: sessionmaker[Session], tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=str(staff_db.kw["bind"].url),
        upload_dir=tmp_path / "uploads",
        session_secret=SecretStr("test-session-secret-" + "x" * 40),
    )
    with TestClient(create_app(settings)) as client:
        yield client


def hello() -> str:
    """What the bot says to an English 「Hello」."""
    [message], _ = run(answers.ActionRespond(), "Hello", intent="greet")
    return message["text"]


def translation(
    sessions: sessionmaker[Session], key: str = "greet", field: str = "body", language: str = "en"
) -> Translation:
    with sessions() as session:
        return session.scalars(
            select(Translation).where(
                Translation.kind == "text",
                Translation.key == key,
                Translation.field == field,
                Translation.language == language,
            )
        ).one()


def greet_japanese(sessions: sessionmaker[Session]) -> WardText:
    with sessions() as session:
        found = session.get(WardText, "greet")
        assert found is not None
        return found


def save_translation(web: TestClient, row: Translation, body: str, reviewed: bool = True) -> object:
    form = {"body": body, "save": "保存"}
    if reviewed:
        form["reviewed"] = "y"
    return post(web, f"/admin/translation/edit/{row.id}", form)


def save_japanese(web: TestClient, text: WardText, body: str) -> object:
    form = {
        "title": text.title,
        "body": body,
        "examples": text.examples,
        "url": text.url or "",
        "save": "保存",
    }
    return post(web, f"/admin/ward-text/edit/{text.key}", form)


# --- 1: translations ------------------------------------------------------------------


def test_a_clerks_translation_is_the_next_answer(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    before = translation(staff_db)
    assert hello() == before.body.strip()
    login(web, "editor")
    page = web.get(f"/admin/translation/edit/{before.id}")
    assert page.status_code == 200
    assert greet_japanese(staff_db).body in page.text  # the Japanese beside the translation
    new = "Hello! This is Nakano City's guide to sorting garbage. Ask me about an item."
    response = save_translation(web, before, new)
    assert response.status_code == 302, visible_text(response.text)
    assert hello() == new
    after = translation(staff_db)
    assert (after.body, after.reviewed, after.source) == (new, True, before.source)
    assert after.updated_at > before.updated_at


def test_a_changed_japanese_leaves_its_translation_unused_until_corrected(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    japanese = greet_japanese(staff_db)
    changed = "こんにちは。中野区のごみの出し方をご案内します。品目の名前を送ってください。"
    response = save_japanese(web, japanese, changed)
    assert response.status_code == 302, visible_text(response.text)

    # The old English says something else now: the resident reads the Japanese, with a note.
    assert hello() == f"{UNTRANSLATED}\n{changed}"
    stale = translation(staff_db)
    listed = web.get("/admin/translation/list", params={"unused": "yes", "language": "en"})
    assert listed.status_code == 200
    assert JAPANESE_CHANGED in listed.text
    assert f"/admin/translation/edit/{stale.id}" in listed.text
    page = web.get(f"/admin/translation/edit/{stale.id}").text
    assert JAPANESE_CHANGED in page
    assert changed in page  # the Japanese to translate now, beside the old English

    # The clerk translates what is there now: the translation is used again.
    new = "Hello. Nakano City guides you on putting out garbage. Send the name of an item."
    assert save_translation(web, stale, new).status_code == 302
    assert hello() == new
    assert translation(staff_db).source == changed
    in_use = web.get("/admin/translation/list", params={"unused": "no", "language": "en"})
    assert f"/admin/translation/edit/{stale.id}" in in_use.text


def test_a_text_saved_unchanged_keeps_its_translations(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    """A browser sends a text area's line breaks as CRLF; the help text has several."""
    login(web, "editor")
    with staff_db() as session:
        help_text = session.get(WardText, "help")
    assert "\n" in help_text.body
    response = save_japanese(web, help_text, help_text.body.replace("\n", "\r\n"))
    assert response.status_code == 302
    with staff_db() as session:
        assert session.get(WardText, "help").body == help_text.body
    listed = web.get("/admin/translation/list", params={"unused": "yes"}).text
    assert JAPANESE_CHANGED not in listed


def test_a_translation_edit_is_audited_and_reloads_the_bot(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    row = translation(staff_db, "thanks")
    with staff_db() as session:
        revision = current_revision(session)
    login(web, "editor")
    assert save_translation(web, row, "You are welcome.", reviewed=False).status_code == 302
    with staff_db() as session:
        assert current_revision(session) > revision
        entry = session.scalars(select(AuditLog).where(AuditLog.table == "translations")).one()
    assert entry.actor == "staff:editor"
    assert entry.summary == "案内文「thanks」の本文（英語）"
    assert entry.changes["body"] == [row.body, "You are welcome."]
    log = html.unescape(visible_text(web.get("/admin/audit-log/list").text))
    assert "案内文「thanks」の本文（英語）" in log
    assert "本文：「You're welcome." in log


def test_the_list_names_translations_in_words_and_filters_them(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    params = {"language": "zh", "kind": "category", "search": "燃やす"}
    page = web.get("/admin/translation/list", params=params)
    assert page.status_code == 200
    text = visible_text(page.text)
    for words in ("種別", "燃やすごみ", "種別名", "説明", "中国語", "使用中", "未確認", "更新日時"):
        assert words in text, words
    assert [word for word in ENGLISH if word in text] == []
    shown = {int(i) for i in re.findall(r"/admin/translation/details/(\d+)", page.text)}
    with staff_db() as session:
        rows = session.scalars(select(Translation).where(Translation.id.in_(shown))).all()
    assert {(r.kind, r.language) for r in rows} == {("category", "zh")}
    burnable = {r.field for r in rows if r.key == "燃やすごみ"}
    assert burnable == {"name", "description"}
    # Shipped translations wait for a clerk's tick.
    reviewed = web.get("/admin/translation/list", params={"reviewed": "true"})
    assert "/admin/translation/details/" not in reviewed.text
    notes = visible_text(web.get("/admin/translation/list", params={"kind": "note"}).text)
    assert "品目の説明" in notes


def test_a_missing_translation_is_created_from_the_japanese_there_is(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    row = translation(staff_db, "goodbye", language="ko")
    with staff_db() as session:
        session.delete(session.get(Translation, row.id))
        session.commit()
    login(web, "editor")
    form_page = web.get("/admin/translation/create")
    assert form_page.status_code == 200
    value = target_id(("text", "goodbye", "body"))
    assert f'value="{value}"' in form_page.text
    assert "data-japanese=" in form_page.text  # the whole Japanese, shown when chosen
    data = {"target": value, "language": "ko", "body": "이용해 주셔서 감사합니다.", "save": "保存"}
    assert post(web, "/admin/translation/create", data).status_code == 302
    made = translation(staff_db, "goodbye", language="ko")
    with staff_db() as session:
        assert made.source == session.get(WardText, "goodbye").body
    assert made.reviewed is False
    again = post(web, "/admin/translation/create", data)
    assert again.status_code == 400
    assert "すでにあります" in again.text


def test_a_viewer_reads_translations_and_aliases_but_cannot_change_them(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    row = translation(staff_db)
    login(web, "viewer")
    assert web.get("/admin/translation/list").status_code == 200
    assert web.get(f"/admin/translation/details/{row.id}").status_code == 200
    assert web.get(f"/admin/translation/edit/{row.id}").status_code == 403
    assert web.get("/admin/translation/create").status_code == 403
    assert save_translation(web, row, "Hacked").status_code == 403
    with staff_db() as session:
        alias_id = session.scalar(select(Alias.id).where(Alias.reviewed.is_(False)))
    assert web.get("/admin/alias/action/mark-reviewed", params={"pks": alias_id}).status_code == 403
    assert post(web, "/admin/alias/reviewed", {"pks": str(alias_id)}).status_code == 403
    files = {"alias_file": ("a.csv", "別名,品目\nぱそ,パソコン\n".encode(), "text/csv")}
    assert post(web, "/admin/import-export/aliases/import", {}, files=files).status_code == 403
    assert translation(staff_db).body == row.body
    with staff_db() as session:
        assert session.get(Alias, alias_id).reviewed is False
        assert session.scalar(select(Alias).where(Alias.name == "ぱそ")) is None


# --- 2: aliases -----------------------------------------------------------------------


def unreviewed(sessions: sessionmaker[Session], language: str, count: int) -> list[Alias]:
    with sessions() as session:
        return list(
            session.scalars(
                select(Alias)
                .where(Alias.language == language, Alias.reviewed.is_(False))
                .order_by(Alias.id)
                .limit(count)
            )
        )


def test_aliases_show_their_language_and_are_ticked_in_bulk(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    page = web.get("/admin/alias/list", params={"language": "en", "reviewed": "false"})
    text = visible_text(page.text)
    assert "英語" in text
    assert "未確認" in text
    assert "確認済みにする" in text
    chosen = unreviewed(staff_db, "en", 3)
    pks = ",".join(str(a.id) for a in chosen)
    confirm = web.get("/admin/alias/action/mark-reviewed", params={"pks": pks})
    assert confirm.status_code == 200
    assert all(a.name in confirm.text for a in chosen)
    with staff_db() as session:  # the GET showed them; it wrote nothing
        assert not any(session.get(Alias, a.id).reviewed for a in chosen)
    done = post(web, "/admin/alias/reviewed", {"pks": pks})
    assert done.status_code == 303
    assert "3件を確認済みにしました" in web.get(done.headers["location"]).text
    with staff_db() as session:
        assert all(session.get(Alias, a.id).reviewed for a in chosen)
        rows = session.scalars(select(AuditLog).where(AuditLog.table == "aliases")).all()
    assert {r.row_id for r in rows} == {str(a.id) for a in chosen}
    assert all(r.changes == {"reviewed": [False, True]} for r in rows)


def test_an_alias_language_is_edited_in_the_form(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    with staff_db() as session:
        pc = session.scalar(select(Item).where(Item.name == "パソコン"))
        alias = Alias(name="ノート型パソコンX", item_id=pc.id, language="ja")
        session.add(alias)
        session.commit()
        alias_id, item_id = alias.id, pc.id
    login(web, "editor")
    form = web.get(f"/admin/alias/edit/{alias_id}").text
    assert "英語（en）" in form
    data = {"name": "ノート型パソコンX", "item": str(item_id), "language": "en", "save": "保存"}
    assert post(web, f"/admin/alias/edit/{alias_id}", {**data, "reviewed": "y"}).status_code == 302
    with staff_db() as session:
        saved = session.get(Alias, alias_id)
        assert (saved.language, saved.reviewed) == ("en", True)
    refused = post(web, f"/admin/alias/edit/{alias_id}", {**data, "language": "fr"})
    assert refused.status_code == 400
    assert "選択肢が正しくありません" in refused.text


def alias_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_alias_file_goes_round_with_its_language_and_tick(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    exported = web.get("/admin/import-export/aliases")
    assert exported.status_code == 200
    assert exported.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = alias_rows(exported.content)
    assert rows[0] == ["別名", "品目", "言語", "確認済み"]
    languages = {row[2] for row in rows[1:]}
    assert languages == {"ja", "en", "zh", "ko"}
    with staff_db() as session:
        assert len(rows) - 1 == session.query(Alias).count()

    # Unchanged, the file changes nothing.
    files = {"alias_file": ("aliases.csv", exported.content, "text/csv")}
    same = post(web, "/admin/import-export/aliases/import", {}, files=files)
    assert same.status_code == 200
    assert "追加 0件、言語・確認済みの変更 0件" in same.text

    # A clerk ticks an English name, and adds a Korean one and a Japanese one (no 言語).
    ticked = next(row for row in rows if row[2] == "en" and row[3] == "いいえ")
    ticked[3] = "はい"
    korean = ["낡은 노트북", "パソコン", "韓国語", ""]
    body = [*rows, korean, ["のーとぱそこん型", "パソコン", "", ""]]
    out = io.StringIO()
    csv.writer(out).writerows(body)
    files = {"alias_file": ("aliases.csv", out.getvalue().encode("utf-8"), "text/csv")}
    done = post(web, "/admin/import-export/aliases/import", {}, files=files)
    assert done.status_code == 200, visible_text(done.text)
    assert "追加 2件、言語・確認済みの変更 1件" in done.text
    with staff_db() as session:
        new_names = ["낡은 노트북", "のーとぱそこん型"]
        added = {
            a.name: (a.language, a.reviewed)
            for a in session.scalars(select(Alias).where(Alias.name.in_(new_names)))
        }
        assert added == {"낡은 노트북": ("ko", False), "のーとぱそこん型": ("ja", True)}
        assert session.scalars(select(Alias).where(Alias.name == ticked[0])).first().reviewed
        assert session.scalars(select(AuditLog).where(AuditLog.table == "aliases")).all()
    again = alias_rows(web.get("/admin/import-export/aliases").content)
    assert ["낡은 노트북", "パソコン", "ko", "いいえ"] in again
    assert [ticked[0], ticked[1], "en", "はい"] in again


def test_a_bad_alias_file_is_refused_by_line_and_changes_nothing(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    with staff_db() as session:
        before = session.query(Alias).count()
    lines = [
        "別名,品目,言語,確認済み",
        "ぱそこんA,パソコン,en,はい",  # line 2: fine, but the file is refused as a whole
        "laptop,パソコン,fr,",  # line 3: an unknown language
        "ぬいぐるみX,ないもの,ja,",  # line 4: an unknown item
        "kettle,電気ポット,en,たぶん",  # line 5: a tick that is neither yes nor no
    ]
    files = {"alias_file": ("mine.csv", "\n".join(lines).encode("utf-8"), "text/csv")}
    refused = post(web, "/admin/import-export/aliases/import", {}, files=files)
    assert refused.status_code == 422
    text = visible_text(refused.text)
    assert "mine.csv 3行目：言語「fr」は" in text
    assert "mine.csv 4行目：品目「ないもの」は品目の一覧にありません" in text
    assert "mine.csv 5行目：確認済み「たぶん」は「はい」か「いいえ」で書いてください" in text
    assert "2行目" not in text
    with staff_db() as session:
        assert session.query(Alias).count() == before
        assert session.scalar(select(Alias).where(Alias.name == "ぱそこんA")) is None


# --- 3: the language of unanswered questions and of the figures --------------------------


def test_unanswered_questions_and_the_figures_show_the_language(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    now = datetime.now(timezone.utc)
    with staff_db() as session:
        session.add_all(
            [
                UnansweredQuestion(text="yoga mat", normalized="yoga mat", count=3, language="en"),
                UnansweredQuestion(text="ヨガマット", normalized="ヨガマット", count=1),
                *[ChatEvent(at=now, outcome="answered", language="en") for _ in range(3)],
                ChatEvent(at=now, outcome="not_found", language="ko"),
                ChatEvent(at=now, outcome="answered"),
            ]
        )
        session.commit()
    login(web, "viewer")
    listed = visible_text(web.get("/admin/unanswered-question/list").text)
    assert "言語" in listed
    assert "英語" in listed
    assert "日本語" in listed
    english = web.get("/admin/unanswered-question/list", params={"language": "en"}).text
    assert "yoga mat" in english
    assert "ヨガマット" not in english

    page = web.get("/admin/analytics")
    assert page.status_code == 200
    figures = visible_text(page.text)
    assert re.search(r"英語\s+3\s+60\.0%", figures)
    assert re.search(r"韓国語\s+1\s+20\.0%", figures)
    assert "yoga mat（英語・3回）" in figures
    report = web.get("/admin/analytics", params={"download": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert ["言語別の質問数", "英語", "3", "60.0%"] in rows
    assert ["言語別の質問数", "中国語", "0", "0.0%"] in rows
    assert ["答えられなかった質問", "yoga mat（英語）", "3", ""] in rows
    assert ["答えられなかった質問", "ヨガマット", "1", ""] in rows
    with staff_db() as session:
        month = analytics.monthly_report(session, now.year, now.month)
    assert month.languages["ja"] == (1, 0.2)


def test_the_staff_api_says_the_language(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    with staff_db() as session, acting_as("test"):
        token = create_token(session, "script", Role.EDITOR, "test")
        session.add(UnansweredQuestion(text="노트북", normalized="노트북", language="ko"))
        session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    questions = web.get("/api/staff/unanswered", headers=auth, params={"language": "ko"}).json()
    assert [(q["text"], q["language"]) for q in questions["items"]] == [("노트북", "ko")]
    assert (
        web.get("/api/staff/unanswered", headers=auth, params={"language": "fr"}).status_code == 422
    )

    listed = web.get(
        "/api/staff/aliases", headers=auth, params={"language": "zh", "reviewed": "false"}
    ).json()
    assert listed["total"] > 0
    first = listed["items"][0]
    assert (first["language"], first["reviewed"]) == ("zh", False)
    patched = web.patch(f"/api/staff/aliases/{first['id']}", headers=auth, json={"reviewed": True})
    assert patched.json()["reviewed"] is True

    with staff_db() as session:
        pc = session.scalar(select(Item.id).where(Item.name == "パソコン"))
    made = web.post(
        "/api/staff/aliases",
        headers=auth,
        json={"name": "笔记本电脑X", "item_id": pc, "language": "zh"},
    )
    assert made.status_code == 201
    assert (made.json()["language"], made.json()["reviewed"]) == ("zh", True)

    exported = web.get("/api/staff/aliases/export", headers=auth)
    assert alias_rows(exported.content)[0] == ["別名", "品目", "言語", "確認済み"]
    bad = "別名,品目,言語\nnotebook,パソコン,xx\n".encode()
    refused = web.post(
        "/api/staff/aliases/import", headers=auth, files={"file": ("a.csv", bad, "text/csv")}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["errors"][0]["line"] == 2
    good = "別名,品目,言語\nnotebook pc,パソコン,en\n".encode()
    imported = web.post(
        "/api/staff/aliases/import", headers=auth, files={"file": ("a.csv", good, "text/csv")}
    ).json()
    assert [(r["name"], r["language"], r["reviewed"]) for r in imported["added"]] == [
        ("notebook pc", "en", False)
    ]


def test_translation_pages_are_japanese(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    row = translation(staff_db)
    login(web, "editor")
    for path in (
        "/admin/translation/list",
        "/admin/translation/create",
        f"/admin/translation/edit/{row.id}",
        f"/admin/translation/details/{row.id}",
        "/admin/import-export",
    ):
        page = web.get(path)
        assert page.status_code == 200, path
        assert [word for word in ENGLISH if word in visible_text(page.text)] == [], path
    assert csrf(web.get("/admin/").text)


def test_a_foreign_question_becomes_an_alias_in_its_language(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    question = "how do i throw away a yoga mat"
    with staff_db() as session:
        row = UnansweredQuestion(text=question, normalized=question, language="en")
        session.add(row)
        session.commit()
        question_id = row.id
    [before], _ = run(answers.ActionRespond(), "yoga mat?")
    assert "玄関マット" not in before["text"]  # 「mat」 alone: another mat
    login(web, "editor")
    page = web.get(f"/admin/resolve/{question_id}")
    assert "英語の質問です" in page.text
    form = {"action": "alias", "alias_name": "yoga mat", "item_name": "玄関マット"}
    assert post(web, f"/admin/resolve/{question_id}", form).status_code == 303
    with staff_db() as session:
        alias = session.scalars(select(Alias).where(Alias.name == "yoga mat")).one()
    assert (alias.language, alias.reviewed) == ("en", True)
    [after], _ = run(answers.ActionRespond(), "yoga mat?")
    assert "(玄関マット) is Burnable waste (燃やすごみ)" in after["text"]
