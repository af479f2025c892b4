"""The staff commands of ``nakano-bot`` (users, tokens, stats) and the first admin, on a real
SQLite catalog of the shipped data, driven through typer's runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.catalog.models import AuditLog, ChatEvent, Notice, StaffToken, StaffUser, utcnow
from bot.catalog.unanswered import record_unanswered
from bot.cli import app
from bot.settings import Settings, get_settings
from bot.staff.accounts import AccountError, authenticate, token_for
from bot.staff.audit import staff_sessionmaker
from bot.staff.operations import ensure_first_admin
from tests.support.catalog import make_catalog

PASSWORD = "correct horse battery"


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A catalog of its own, which the CLI is pointed at."""
    url = make_catalog(tmp_path / "catalog.sqlite3")
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")  # rich tables on one line each
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def staff(catalog: str) -> sessionmaker[Session]:
    return staff_sessionmaker(catalog)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.output


def user(staff: sessionmaker[Session], username: str) -> StaffUser | None:
    with staff() as session:
        return session.scalar(select(StaffUser).where(StaffUser.username == username))


def audit(staff: sessionmaker[Session], table: str) -> list[AuditLog]:
    with staff() as session:
        return list(
            session.scalars(select(AuditLog).where(AuditLog.table == table).order_by(AuditLog.id))
        )


def can_log_in(staff: sessionmaker[Session], username: str, password: str) -> bool:
    with staff() as session:
        found = authenticate(session, username, password)
        session.rollback()
    return found is not None


# --- users -----------------------------------------------------------------------------------


def test_users_are_created_with_a_password_asked_twice(staff: sessionmaker[Session]) -> None:
    code, output = run(
        "users", "create", "sato", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert code == 0, output
    assert "Created editor sato." in output
    assert PASSWORD not in output  # hidden input
    created = user(staff, "sato")
    assert created is not None
    assert (created.role, created.active) == ("editor", True)
    assert created.password_hash.startswith("$argon2id$")
    assert can_log_in(staff, "sato", PASSWORD)
    [row] = audit(staff, "staff_users")
    assert (row.actor, row.action, row.summary) == ("cli", "create", "sato")
    assert row.changes["password_hash"] == [None, "***"]


def test_a_mistyped_confirmation_creates_nobody(staff: sessionmaker[Session]) -> None:
    code, output = run("users", "create", "sato", input=f"{PASSWORD}\nsomething else\n")
    assert code != 0
    assert "do not match" in output
    assert user(staff, "sato") is None


def test_users_are_created_from_stdin_and_refused_with_a_reason(
    staff: sessionmaker[Session],
) -> None:
    code, output = run(
        "users", "create", "admin1", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert code == 0, output
    assert can_log_in(staff, "admin1", PASSWORD)

    code, output = run("users", "create", "admin1", "--password-stdin", input=PASSWORD + "\n")
    assert code == 1
    assert "ユーザー名「admin1」は使われています。" in output
    code, output = run("users", "create", "tanaka", "--password-stdin", input="short\n")
    assert code == 1
    assert "パスワードは10文字以上にしてください。" in output
    assert user(staff, "tanaka") is None
    code, output = run("users", "create", "x", "--role", "root", "--password-stdin", input="")
    assert code == 2  # not a role


def test_users_are_listed_disabled_and_given_a_new_password(
    staff: sessionmaker[Session],
) -> None:
    code, output = run("users", "list")
    assert code == 0
    assert "No staff accounts yet" in output
    for name, role in [("sato", "editor"), ("suzuki", "viewer")]:
        run("users", "create", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")

    code, output = run("users", "list")
    assert code == 0, output
    lines = output.splitlines()
    assert any("sato" in line and "editor" in line and "yes" in line for line in lines)
    assert any("suzuki" in line and "viewer" in line for line in lines)

    code, output = run("users", "disable", "suzuki")
    assert code == 0, output
    assert not can_log_in(staff, "suzuki", PASSWORD)
    assert any("suzuki" in line and " no " in line for line in run("users", "list")[1].splitlines())
    code, output = run("users", "enable", "suzuki")
    assert code == 0
    assert can_log_in(staff, "suzuki", PASSWORD)

    code, output = run(
        "users", "set-password", "sato", input="a new long password\na new long password\n"
    )
    assert code == 0, output
    assert can_log_in(staff, "sato", "a new long password")
    assert not can_log_in(staff, "sato", PASSWORD)

    code, output = run("users", "disable", "nobody")
    assert code == 1
    assert "ユーザー「nobody」はいません。" in output
    updates = [(r.summary, r.changes) for r in audit(staff, "staff_users") if r.action == "update"]
    assert ("suzuki", {"active": [True, False]}) in updates
    assert ("sato", {"password_hash": ["***", "***"]}) in updates
    assert all(r.actor == "cli" for r in audit(staff, "staff_users"))


# --- tokens ----------------------------------------------------------------------------------


def test_tokens_are_created_once_listed_and_revoked(staff: sessionmaker[Session]) -> None:
    result = CliRunner().invoke(app, ["tokens", "create", "ci", "--role", "editor"])
    assert result.exit_code == 0, result.output
    value = result.stdout.strip()
    assert value.startswith("nkb_")
    assert "not shown again" in result.stderr
    with staff() as session:
        token = token_for(session, value)
        assert token is not None
        assert (token.name, token.role, token.created_by) == ("ci", "editor", "cli")
        session.commit()

    code, output = run("tokens", "list")
    assert code == 0, output
    assert value not in output
    [line] = [line for line in output.splitlines() if " ci " in line]
    assert "editor" in line

    code, output = run("tokens", "revoke", str(token.id))
    assert code == 0, output
    assert "Revoked token" in output
    with staff() as session:
        assert token_for(session, value) is None
        assert session.get(StaffToken, token.id).revoked_at is not None
    assert run("tokens", "revoke", "999")[0] == 1
    assert {r.actor for r in audit(staff, "staff_tokens")} == {"cli"}


def test_a_token_needs_a_name(staff: sessionmaker[Session]) -> None:
    code, output = run("tokens", "create", "  ")
    assert code == 1
    assert "トークンの名前を入力してください。" in output


# --- stats -----------------------------------------------------------------------------------


def test_stats_counts_the_catalog_and_the_questions(
    catalog: str, staff: sessionmaker[Session]
) -> None:
    code, output = run("stats")
    assert code == 0, output
    lines = output.splitlines()
    assert any("items" in line and "942" in line for line in lines)
    assert any("unanswered questions" in line and " 0 " in line for line in lines)
    assert "No questions recorded in the last 30 days." in output

    with staff() as session:
        for text in ["ルンバ", "ルンバ", "ヨガマット"]:
            record_unanswered(session, text)
    with staff.begin() as session:
        now = utcnow()
        session.add_all(
            [
                *(ChatEvent(outcome="answered", item_name="アイロン", at=now) for _ in range(3)),
                ChatEvent(outcome="not_found", at=now),
                ChatEvent(outcome="answered", at=now - timedelta(days=40)),  # too old
            ]
        )
    code, output = run("stats")
    assert code == 0, output
    lines = output.splitlines()
    assert any("unanswered questions" in line and " 2 " in line for line in lines)
    assert any("times asked" in line and " 3 " in line for line in lines)
    assert any("answered" in line and " 3 " in line and "75.0%" in line for line in lines)
    assert any("not_found" in line and " 1 " in line and "25.0%" in line for line in lines)
    assert any("total" in line and " 4 " in line for line in lines)
    code, output = run("stats", "--days", "60")
    assert any("answered" in line and " 4 " in line for line in output.splitlines())


def test_the_other_commands_are_still_there() -> None:
    code, output = run("--help")
    assert code == 0
    for command in ("import", "train", "run", "items", "users", "tokens", "notices", "stats"):
        assert command in output


# --- the first admin -------------------------------------------------------------------------


def test_the_first_admin_comes_from_the_settings_once(
    catalog: str, staff: sessionmaker[Session]
) -> None:
    unset = Settings(database_url=catalog, admin_username=None, admin_password=None)
    assert ensure_first_admin(staff, unset) is None  # not configured

    settings = Settings(
        database_url=catalog, admin_username="ward-admin", admin_password=SecretStr(PASSWORD)
    )
    created = ensure_first_admin(staff, settings)
    assert created is not None
    assert (created.username, created.role) == ("ward-admin", "admin")
    assert can_log_in(staff, "ward-admin", PASSWORD)
    [row] = audit(staff, "staff_users")
    assert row.actor == "system:first-admin"

    # Never again once there is a user, even with other values.
    assert ensure_first_admin(staff, username="other", password=PASSWORD) is None
    assert user(staff, "other") is None


def test_the_first_admin_from_arguments_and_a_short_password_is_refused(
    staff: sessionmaker[Session],
) -> None:
    with pytest.raises(AccountError, match="10文字以上"):
        ensure_first_admin(staff, username="root", password="short")
    assert user(staff, "root") is None
    created = ensure_first_admin(staff, username="root", password=PASSWORD)
    assert created is not None
    assert created.role == "admin"


# --- start-up keeps what staff changed ------------------------------------------------------


def test_starting_again_does_not_put_the_shipped_values_back(
    staff: sessionmaker[Session], tmp_path: Path
) -> None:
    from bot.catalog.models import Item
    from bot.cli.running import _first_import

    with staff() as session:
        item = session.scalars(select(Item).where(Item.name == "スプレー缶")).one()
        item.notes = "職員が直した説明"
        session.commit()
    _first_import(get_settings())
    with staff() as session:
        assert session.scalars(select(Item.notes).where(Item.name == "スプレー缶")).one() == (
            "職員が直した説明"
        )

    # A fresh checkout has no var/ folder yet: the first start makes it.
    empty = Settings(database_url=f"sqlite:///{tmp_path / 'var' / 'catalog.sqlite3'}")
    _first_import(empty)
    with staff_sessionmaker(empty.database_url)() as session:
        assert session.scalars(select(Item.notes).where(Item.name == "スプレー缶")).one()


def test_a_cli_import_is_audited(staff: sessionmaker[Session], tmp_path: Path) -> None:
    code, csv = run("items", "export")
    assert code == 0
    changed = tmp_path / "items.csv"
    changed.write_text(
        csv.replace("アイロン,あいろん,陶器・ガラス・金属ごみ,", "アイロン,あいろん,燃やすごみ,", 1)
    )
    code, output = run("items", "import", str(changed), "--yes")
    assert code == 0, output
    [entry] = audit(staff, "items")
    assert entry.actor == "cli"
    assert entry.summary == "アイロン"


def test_texts_are_read_edited_and_gain_examples_from_the_command_line(
    catalog: str, staff: sessionmaker[Session], tmp_path: Path
) -> None:
    code, listed = run("texts", "list")
    assert code == 0
    assert any(line.startswith("collection_rules\t") for line in listed.splitlines())
    code, _ = run("texts", "add-example", "collection_rules", "ごみ当番はありますか")
    assert code == 0
    code, shown = run("texts", "show", "collection_rules")
    assert "- ごみ当番はありますか" in shown
    examples = tmp_path / "examples.txt"
    examples.write_text("町内会の清掃で出たごみ\n地域清掃のごみ\n", encoding="utf-8")
    code, _ = run(
        "texts", "set", "community_cleanup", "--title", "地域清掃のごみ",
        "--body", "清掃事務所へお問い合わせください。", "--examples", str(examples),
    )  # fmt: skip
    assert code == 0
    code, shown = run("texts", "show", "community_cleanup")
    assert "- 地域清掃のごみ" in shown
    assert len(audit(staff, "ward_texts")) >= 2
    code, refused = run("texts", "set", "community_cleanup", "--url", "javascript:alert(1)")
    assert code == 1
    assert "http" in refused
    code, missing = run("texts", "show", "nothing")
    assert code == 1
    assert "nothing" in missing


# --- notices (お知らせ) ----------------------------------------------------------------------


def test_notices_are_added_listed_and_deleted_from_the_command_line(
    catalog: str, staff: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAKANO_BOT_FIXED_TODAY", "2026-12-24")
    get_settings.cache_clear()
    code, added = run(
        "notices", "add", "cancelled", "--from", "2026-12-29", "--area", "野方三丁目",
        "--area", "江原町", "--category", "燃やすごみ", "--text", "点検のため収集しません。",
    )  # fmt: skip
    assert code == 0, added
    assert "2026年12月29日（火） 収集なし" in added
    code, added = run(
        "notices", "add", "moved", "--from", "2027-01-05", "--moved-to", "2027-01-06",
        "--all-areas",
    )  # fmt: skip
    assert code == 0, added
    code, past = run("notices", "add", "info", "--from", "2026-12-01", "--all-areas", "--text", "x")
    assert code == 0, past
    code, listed = run("notices", "list")
    assert code == 0
    lines = [line for line in listed.splitlines() if "収集なし" in line or "振替" in line]
    assert len(lines) == 2
    assert "江原町、野方3丁目" in lines[0]  # in the order of the ward's table
    assert "燃やすごみ" in lines[0]
    assert "全地域" in lines[1]
    assert "2026年12月1日" not in listed  # over: shown with --all only
    code, everything = run("notices", "list", "--all")
    assert "2026年12月1日（火）" in everything
    with staff() as session:
        notices = list(session.scalars(select(Notice).order_by(Notice.id)))
    assert [n.kind for n in notices] == ["cancelled", "moved", "info"]
    code, deleted = run("notices", "delete", str(notices[0].id))
    assert code == 0, deleted
    rows = audit(staff, "notices")
    assert [r.action for r in rows] == ["create", "create", "create", "delete"]
    assert {r.actor for r in rows} == {"cli"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("moved", "--from", "2027-01-05", "--all-areas"), "振替先の日"),
        (("cancelled", "--from", "2027-01-05", "--area", "野方"), "丁目まで指定"),
        (("cancelled", "--from", "2027-01-05", "--all-areas", "--category", "生ごみ"), "生ごみ"),
        (("cancelled", "--from", "2027-01-05"), "地域を選ぶか"),
    ],
)
def test_a_notice_the_command_line_refuses_says_why(
    catalog: str, staff: sessionmaker[Session], args: tuple[str, ...], message: str
) -> None:
    code, output = run("notices", "add", *args)
    assert code == 1
    assert message in output
    assert audit(staff, "notices") == []
    code, missing = run("notices", "delete", "999")
    assert code == 1
    assert "お知らせ 999 はありません" in missing
