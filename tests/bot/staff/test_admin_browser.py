"""What a clerk sees of /admin in a real browser (Debian's Chromium): names instead of
Python reprs, Japanese throughout, Tokyo times, a notice after saving, row actions in
words, every column on a 1280 px screen, and no script the admin's CSP refuses (issue #17,
items 1, 2, 3, 7 and 9). The app runs under uvicorn on loopback with a real SQLite catalog;
no Rasa is needed for the admin."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect
from pydantic import SecretStr

from bot.server.app import create_app
from bot.settings import Settings
from bot.staff.accounts import Role, create_user
from bot.staff.audit import staff_sessionmaker
from tests.support.catalog import make_catalog
from tests.support.stack import TEST_APP_PORT

pytestmark = pytest.mark.e2e

USERNAME, PASSWORD = "clerk", "a long enough passphrase"
#: Its own port, apart from the end-to-end stack's app.
PORT = TEST_APP_PORT + 7


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("admin-browser")
    url = make_catalog(work / "catalog.sqlite3")
    with staff_sessionmaker(url)() as session:
        create_user(session, USERNAME, PASSWORD, Role.ADMIN)
        session.commit()
    settings = Settings(
        database_url=url,
        upload_dir=work / "uploads",
        session_secret=SecretStr("browser-test-secret-" + "x" * 40),
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=PORT, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{PORT}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/admin/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        pytest.fail("the app did not start")
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser, admin_url: str) -> Iterator[Page]:
    """A clerk's browser at 1280 × 800, logged in; fails the test on any console error
    (a script the CSP refused, a script error) and any failed request but a refused form."""
    context = browser.new_context(
        base_url=admin_url, locale="ja-JP", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # A missing file is reported below with its address; /favicon.ico is the browser's.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def response(answer: Response) -> None:
        # A form filled in wrong is answered 400 with the reason, which the test reads.
        refused_form = answer.status == 400 and answer.request.method == "POST"
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico") and not refused_form:
            errors.append(f"{answer.status} {answer.url}")

    page.on("response", response)
    page.goto("/admin/login")
    page.locator('input[name="username"]').fill(USERNAME)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    yield page
    context.close()
    assert errors == []


def _spray_can_row(page: Page):
    page.goto("/admin/item/list?search=すぷれーかん")
    name_cell = page.locator("td").filter(has_text=re.compile(r"^\s*スプレー缶\s*$"))
    return page.locator("tbody tr").filter(has=name_cell)


def _no_reprs_or_english(page: Page) -> None:
    """What a clerk sees once the page has loaded: the words sqladmin's templates write in
    English are put in Japanese by static/staff.js, which runs when the page is parsed."""
    page.wait_for_load_state("load")
    text = page.locator("body").inner_text()
    assert "object at 0x" not in text
    for english in ("None", "Search", "All\n", "Invalid", "Forbidden"):
        assert english not in text, english
    assert page.locator("html").get_attribute("lang") == "ja"
    for english in ("Close", "Toggle navigation", "This is a required field"):
        assert page.locator(f'[aria-label="{english}"], [title="{english}"]').count() == 0


def test_the_item_list_fits_the_screen_in_words(page: Page) -> None:
    row = _spray_can_row(page)
    expect(row).to_contain_text("陶器・ガラス・金属ごみ")
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST"))
    for action in ("詳細", "編集", "削除"):
        expect(row.get_by_role("link", name=action)).to_be_visible()
    _no_reprs_or_english(page)
    # Every column within the 1280 px window: nothing to scroll to on the right.
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
                 .map(el => el.scrollWidth - el.clientWidth)"""
    )
    assert max(overflow) <= 1, overflow
    last_header = page.locator("thead th").last
    assert last_header.bounding_box()["x"] + last_header.bounding_box()["width"] <= 1280


@pytest.mark.parametrize(
    "path",
    ["/admin/audit-log/list", "/admin/schedule/list", "/admin/area/list",
     "/admin/ward-text/list", "/admin/staff-user/list", "/admin/staff-token/list",
     "/admin/translation/list", "/admin/alias/list", "/admin/unanswered-question/list",
     "/admin/notice/list"],
)  # fmt: skip
def test_every_list_fits_a_1280_px_screen(page: Page, path: str) -> None:
    page.goto(path)
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
                 .map(el => el.scrollWidth - el.clientWidth)"""
    )
    assert max(overflow) <= 1, overflow
    _no_reprs_or_english(page)


def test_the_alias_picker_offers_items_by_name(page: Page) -> None:
    page.goto("/admin/alias/create")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("すぷれー")
    options = page.locator(".select2-results__option")
    expect(options.filter(has_text="スプレー缶").first).to_be_visible()
    texts = options.all_inner_texts()
    assert len(set(texts)) == len(texts) > 1
    assert not any("object at" in text for text in texts)


def test_a_save_is_confirmed_and_times_are_tokyo(page: Page, admin_url: str) -> None:
    _spray_can_row(page).get_by_role("link", name="編集").click()
    expect(page.locator("#category")).to_have_value(re.compile(r"\d+"))
    expect(page.locator(".select2-selection__rendered").first).to_have_text(
        "陶器・ガラス・金属ごみ"
    )
    page.locator("textarea#notes, input#notes").fill("中身を使い切ってから出してください。")
    page.locator('input[type="submit"][name="save"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/item/list"))
    notice = page.locator(".toast")
    expect(notice).to_contain_text("品目「スプレー缶」を保存しました。")
    page.wait_for_timeout(4000)  # sqladmin's own toasts hid after 3 s
    expect(notice).to_be_visible()

    page.goto("/admin/audit-log/list")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("clerk（管理画面）")
    expect(first).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST"))
    expect(first).to_contain_text("説明：")
    _no_reprs_or_english(page)


def test_the_delete_question_and_character_count_are_japanese(page: Page) -> None:
    page.goto("/admin/ward-text/list")
    page.locator("tbody tr").first.get_by_role("link", name="編集").click()
    expect(page.locator(".chars-count-label").first).to_have_text(re.compile(r"^文字数：\d+$"))
    page.goto("/admin/alias/list")
    page.locator("tbody tr").first.get_by_role("link", name="削除").click()
    expect(page.locator("#modal-delete-text")).to_contain_text("を削除します。元に戻せません。")
    page.get_by_role("link", name="キャンセル").click()
    _no_reprs_or_english(page)


def test_a_translation_is_corrected_beside_its_japanese(page: Page) -> None:
    """Issue #14: the Japanese beside the English, a save confirmed in words; a new
    translation shows the whole Japanese of the text chosen."""
    page.goto("/admin/translation/list?language=en&kind=text&search=greet")
    row = page.locator("tbody tr").filter(has_text="本文").first
    expect(row).to_contain_text("あいさつ（greet）")
    expect(row).to_contain_text("使用中")
    row.get_by_role("link", name="編集").click()
    expect(page.locator("#japanese-now")).to_contain_text("中野区のごみ分別案内です")
    page.locator("textarea#body").fill("Hello. Ask me how to sort your garbage in Nakano City.")
    page.locator("#reviewed").check()
    page.locator('input[type="submit"][name="save"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/translation/list"))
    expect(page.locator(".toast")).to_contain_text(
        "案内文「greet」の本文（英語）」を保存しました。"
    )
    _no_reprs_or_english(page)

    page.goto("/admin/translation/create")
    page.locator("select#target").select_option(label="案内文：あいさつ（greet）— 本文")
    expect(page.locator("#japanese-preview")).to_contain_text("中野区のごみ分別案内です")
    _no_reprs_or_english(page)


def test_aliases_are_ticked_as_checked_from_the_list(page: Page) -> None:
    page.goto("/admin/alias/list?language=zh&reviewed=false")
    rows = page.locator("tbody tr")
    names = [rows.nth(i).locator("td").nth(3).inner_text().strip() for i in range(2)]
    for i in range(2):
        rows.nth(i).locator("input.select-box").check()
    page.get_by_role("button", name="操作").click()
    page.get_by_role("link", name="確認済みにする").click()
    expect(page.locator("table")).to_contain_text(names[0])
    page.get_by_role("button", name="確認済みにする").click()
    expect(page.locator(".toast")).to_contain_text("別名 2件を確認済みにしました。")
    page.goto("/admin/alias/list?language=zh&reviewed=true")
    for name in names:
        expect(page.locator("tbody")).to_contain_text(name)
    _no_reprs_or_english(page)


def _pick(page: Page, field: str, typed: str, choice: str) -> None:
    """Choose ``choice`` in the many-row picker of ``field`` (select2), found by ``typed``."""
    picker = page.locator(f"#{field} + .select2")
    picker.locator(".select2-selection").click()
    picker.locator(".select2-search__field").press_sequentially(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def test_a_notice_is_made_and_listed_in_japanese(page: Page) -> None:
    """Staff notices (お知らせ): the form and the list in words, a move without its new day
    refused with the reason, a saved notice confirmed and audited."""
    page.goto("/admin/notice/create")
    for label in ("種類", "開始日", "終了日", "振替先の日", "全地域", "対象の地域", "対象の種別"):
        expect(page.locator("form")).to_contain_text(label)
    page.locator("select#kind").select_option(label="別の日に振替")
    page.locator("input#starts_on").fill("2026-12-29")
    page.locator("input#ends_on").fill("2026-12-29")
    _pick(page, "areas", "野方", "野方3丁目")
    page.locator("textarea#text").fill("清掃工場の点検のため、翌日に収集します。")
    page.locator('input[type="submit"][name="save"]').first.click()
    expect(page.locator("body")).to_contain_text("振替の場合は、振替先の日を入力してください。")

    page.locator("select#kind").select_option(label="収集なし")
    page.locator("input#moved_to").fill("")
    _pick(page, "categories", "燃やす", "燃やすごみ")
    page.locator('input[type="submit"][name="save"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/notice/list"))
    expect(page.locator(".toast")).to_contain_text(
        "お知らせ「2026年12月29日（火） 収集なし」を追加しました。"
    )
    row = page.locator("tbody tr").first
    for shown in ("収集なし", "2026年12月29日（火）", "野方3丁目", "燃やすごみ", "清掃工場の点検"):
        expect(row).to_contain_text(shown)
    for header in ("種類", "開始日", "終了日", "振替先の日", "対象の地域", "本文（住民に表示）"):
        expect(page.locator("thead")).to_contain_text(header)
    _no_reprs_or_english(page)

    page.goto("/admin/audit-log/list")
    expect(page.locator("tbody tr").first).to_contain_text("2026年12月29日（火） 収集なし")


def test_a_wrong_password_is_refused_in_japanese(browser: Browser, admin_url: str) -> None:
    context = browser.new_context(base_url=admin_url, locale="ja-JP")
    page = context.new_page()
    page.goto("/admin/login")
    page.locator('input[name="username"]').fill(USERNAME)
    page.locator('input[name="password"]').fill("wrong password")
    page.locator('button[type="submit"]').click()
    expect(page.locator(".invalid-feedback").first).to_contain_text(
        "ユーザー名かパスワードが違います"
    )
    _no_reprs_or_english(page)
    context.close()


def test_an_injected_inline_script_does_not_run(browser: Browser, admin_url: str) -> None:
    """The CSP refuses inline script: what an attacker could inject into a page is inert."""
    context = browser.new_context(base_url=admin_url)
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if m.type == "error" else None)
    page.goto("/admin/login")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true'; document.body.appendChild(s); }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in text for text in refusals)
    context.close()
