"""Importing an item file in /admin without surprises (issue #17, items 2, 4, 5 and 12): a
partial file deletes nothing unless asked, many deletions need their number typed, an
unknown category is an error unless the clerk creates it, the preview and its errors are
Japanese, and uploads never applied do not pile up."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.formats import ItemFormat, export_items
from bot.catalog.models import Category, Item
from bot.settings import Settings
from bot.staff.admin_pages import CONFIRM_REMOVALS_OVER, UPLOAD_KEEP_SECONDS
from tests.support.admin import item_named, login, post

HEADER = "ごみの品目,インデックス,種別,説明"


def two_rows(*rows: str) -> dict:
    text = "\n".join([HEADER, *rows]) + "\n"
    return {"file": ("two-rows.csv", text.encode("utf-8"), "text/csv")}


def item_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Item))


def upload_id(page: str) -> str:
    return re.search(r'name="upload_id" value="([^"]+)"', page)[1]


SPRAY = "スプレー缶,すぷれーかん,陶器・ガラス・金属ごみ,中身を使い切ってください。"
NEW_ITEM = "ドローン,どろーん,燃やすごみ,"


def test_the_import_form_deletes_nothing_unless_ticked(web: TestClient) -> None:
    login(web, "editor")
    form = web.get("/admin/import-export").text
    assert re.search(r'<input[^>]*id="remove_missing"[^>]*>', form)[0].find("checked") == -1
    # The form as a browser sends it with the box left alone: no remove_missing field.
    preview = post(web, "/admin/import-export/preview", {"format": "auto"},
                   files=two_rows(SPRAY, NEW_ITEM))  # fmt: skip
    assert preview.status_code == 200
    assert "削除 0件" in preview.text
    assert "追加 1件" in preview.text
    assert 'name="confirm_removed"' not in preview.text


def test_many_deletions_need_their_number_typed(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    before = item_count(staff_db)
    preview = post(web, "/admin/import-export/preview",
                   {"format": "auto", "remove_missing": "on"},
                   files=two_rows(SPRAY, NEW_ITEM))  # fmt: skip
    assert preview.status_code == 200
    removed = before - 1
    assert removed > CONFIRM_REMOVALS_OVER
    assert f"削除 {removed}件" in preview.text
    assert 'name="confirm_removed"' in preview.text
    token = upload_id(preview.text)
    for typed in (None, "", "2", str(removed + 1)):
        data = {"upload_id": token} | ({} if typed is None else {"confirm_removed": typed})
        refused = post(web, "/admin/import-export/apply", data)
        assert refused.status_code == 422
        assert "削除する件数を入力してください" in refused.text
        assert item_count(staff_db) == before
    done = post(web, "/admin/import-export/apply",
                {"upload_id": token, "confirm_removed": str(removed)})  # fmt: skip
    assert done.status_code == 200
    assert item_count(staff_db) == 2


def test_a_few_deletions_need_no_number(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    login(web, "editor")
    with staff_db() as session:
        lines = export_items(session, ItemFormat.NAKANO).decode("utf-8").splitlines()
    kept = "\n".join(lines[:-2]).encode("utf-8")  # the last two items left out
    preview = post(web, "/admin/import-export/preview", {"format": "auto", "remove_missing": "on"},
                   files={"file": ("most.csv", kept, "text/csv")})  # fmt: skip
    assert "削除 2件" in preview.text
    assert 'name="confirm_removed"' not in preview.text
    done = post(web, "/admin/import-export/apply", {"upload_id": upload_id(preview.text)})
    assert done.status_code == 200


def test_an_unknown_category_is_an_error_unless_created(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "editor")
    typo = "スプレー缶,すぷれーかん,もえるごみ,"
    refused = post(web, "/admin/import-export/preview", {"format": "auto"},
                   files=two_rows(NEW_ITEM, typo))  # fmt: skip
    assert refused.status_code == 422
    assert "two-rows.csv 3行目：種別「もえるごみ」は種別の一覧にありません" in refused.text
    assert 'name="upload_id"' not in refused.text
    with staff_db() as session:
        assert session.scalar(select(Category).where(Category.name == "もえるごみ")) is None

    created = post(web, "/admin/import-export/preview",
                   {"format": "auto", "create_categories": "on"},
                   files=two_rows(NEW_ITEM, typo))  # fmt: skip
    assert created.status_code == 200
    assert "新しい種別を作ります：もえるごみ" in created.text
    post(web, "/admin/import-export/apply", {"upload_id": upload_id(created.text)})
    assert item_named(staff_db, "スプレー缶").category.name == "もえるごみ"


def test_the_preview_and_its_errors_are_japanese(web: TestClient) -> None:
    login(web, "editor")
    changed = "スプレー缶,すぷれーかん,陶器・ガラス・金属ごみ,新しい説明"
    preview = post(web, "/admin/import-export/preview", {"format": "auto"},
                   files=two_rows(changed))  # fmt: skip
    assert "説明「" in preview.text
    assert "notes" not in preview.text
    broken = post(web, "/admin/import-export/preview", {"format": "auto"},
                  files=two_rows(",,燃やすごみ,", "ハンガー,,,", "a,b"))  # fmt: skip
    assert broken.status_code == 422
    errors = re.findall(r"<li>(two-rows\.csv [^<]*)</li>", broken.text)
    assert errors, broken.text
    for error in errors:
        message = error.split("：", 1)[1]
        assert not re.search(r"[A-Za-z]{3,}", message), error


def test_uploads_never_applied_do_not_pile_up(web: TestClient, settings: Settings) -> None:
    login(web, "editor")
    uploads: Path = settings.upload_dir
    uploads.mkdir(parents=True, exist_ok=True)
    stale = uploads / "left-from-yesterday"
    stale.write_bytes(b"old")
    old = time.time() - UPLOAD_KEEP_SECONDS - 60
    os.utime(stale, (old, old))
    recent = uploads / "someone-elses-current-preview"
    recent.write_bytes(b"new")

    first = post(web, "/admin/import-export/preview", {"format": "auto"}, files=two_rows(NEW_ITEM))
    second = post(web, "/admin/import-export/preview", {"format": "auto"}, files=two_rows(NEW_ITEM))
    assert not stale.exists()
    assert recent.exists()  # another clerk's preview, still within a login's lifetime
    assert sorted(p.name for p in uploads.iterdir()) == sorted(
        [recent.name, upload_id(second.text)]
    ), "the replaced preview's upload is gone"
    assert upload_id(first.text) != upload_id(second.text)
