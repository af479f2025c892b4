"""The widget in a real browser (Debian's Chromium driven by Playwright) against the running
app with the real model: what a resident on the ward's homepage does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.settings import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser, app_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=app_server, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


def open_widget(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="ごみ分別チャットを開く").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def say(page: Page, text: str) -> None:
    page.get_by_label("質問を入力").fill(text)
    page.get_by_label("質問を入力").press("Enter")


def bot_messages(page: Page):
    return page.locator("nakano-chat .msg.bot .bubble")


def test_no_request_until_the_launcher_is_opened(page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert all("/api/" not in url for url in requests)
    assert [url for url in requests if url.endswith(".js")] == [
        page.url + "widget/v1/nakano-chat.js"
    ]


def test_ask_and_get_the_answer(page: Page) -> None:
    open_widget(page)
    expect(page.get_by_label("質問を入力")).to_be_focused()
    say(page, "スプレー缶は何ごみ？")
    expect(bot_messages(page).last).to_contain_text(
        "「スプレー缶」は「陶器・ガラス・金属ごみ」です。"
    )


def test_tap_a_button_to_answer(page: Page) -> None:
    open_widget(page)
    say(page, "ざるの捨て方を教えて")
    chip = page.locator("nakano-chat .chip", has_text="ざる（木製）")
    expect(chip).to_be_visible()
    chip.click()
    expect(bot_messages(page).last).to_contain_text("「ざる（木製）」は「燃やすごみ」です。")


def test_ime_composition_enter_does_not_send(page: Page) -> None:
    open_widget(page)
    box = page.get_by_label("質問を入力")
    box.fill("すぷれーかん")
    # The Enter that confirms a conversion arrives with isComposing set (keyCode 229).
    box.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "keyCode": 229})
    expect(box).to_have_value("すぷれーかん")
    expect(page.locator("nakano-chat .msg.user")).to_have_count(0)
    box.press("Enter")
    expect(page.locator("nakano-chat .msg.user")).to_have_count(1)


def test_reload_keeps_the_conversation(page: Page) -> None:
    open_widget(page)
    say(page, "ペットボトルは何ごみ？")
    expect(bot_messages(page).last).to_contain_text("びん・缶・ペットボトル")
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()  # it stays open, too
    expect(page.locator("nakano-chat .msg.user")).to_have_text(["ペットボトルは何ごみ？"])
    expect(bot_messages(page).last).to_contain_text("びん・缶・ペットボトル")
    page.get_by_role("button", name="新しい会話").click()
    expect(page.locator("nakano-chat .msg.user")).to_have_count(0)


def test_html_is_shown_as_text(page: Page) -> None:
    open_widget(page)
    attack = '<img src=x onerror="window.__pwned=1">'
    say(page, attack)
    expect(page.locator("nakano-chat .msg.user .bubble")).to_have_text(attack)
    expect(bot_messages(page).last).not_to_have_text("回答を準備しています…")
    assert page.locator("nakano-chat img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_keyboard_only(page: Page) -> None:
    page.goto("/")
    launcher = page.get_by_role("button", name="ごみ分別チャットを開く")
    launcher.focus()
    page.keyboard.press("Enter")
    box = page.get_by_label("質問を入力")
    expect(box).to_be_focused()
    page.keyboard.type("こんにちは")
    page.keyboard.press("Enter")
    expect(bot_messages(page).last).to_contain_text("中野区のごみ分別案内です")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_narrow_phone_layout(browser: Browser, app_server: str) -> None:
    context = browser.new_context(base_url=app_server, viewport={"width": 320, "height": 568})
    page = context.new_page()
    open_widget(page)
    box = page.get_by_role("dialog").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 320, "height": 568}
    send = page.get_by_role("button", name="送信").bounding_box()
    assert send["height"] >= 44
    assert send["x"] + send["width"] <= 320
    context.close()


def test_too_long_is_refused_before_sending(page: Page) -> None:
    open_widget(page)
    page.get_by_label("質問を入力").fill("あ" * 501)
    expect(page.locator("nakano-chat .count")).to_contain_text("500文字以内")
    expect(page.get_by_role("button", name="送信")).to_be_disabled()


def test_size_budget() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_widget_size.py")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_service_down_gives_the_friendly_message_and_a_retry(page: Page) -> None:
    open_widget(page)
    down = {"messages": [{"text": "申し訳ありません。ただいまお答えできません。", "buttons": []}]}
    page.route("**/api/chat", lambda route: route.fulfill(status=503, json=down))
    say(page, "スプレー缶は何ごみ？")
    expect(bot_messages(page).last).to_have_text("申し訳ありません。ただいまお答えできません。")
    retry = page.get_by_role("button", name="もう一度送る")
    page.unroute("**/api/chat")
    retry.click()
    expect(bot_messages(page).last).to_contain_text(
        "「スプレー缶」は「陶器・ガラス・金属ごみ」です。"
    )


def test_network_error_gives_a_retry(page: Page) -> None:
    open_widget(page)
    page.route("**/api/chat", lambda route: route.abort())
    say(page, "電池")
    expect(bot_messages(page).last).to_contain_text("通信できませんでした")
    expect(page.get_by_role("button", name="もう一度送る")).to_be_visible()


def test_text_size_control(page: Page) -> None:
    open_widget(page)
    bubble = bot_messages(page).first
    before = bubble.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    page.get_by_role("button", name="文字を大きく").click()
    after = bubble.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert after > before


def test_one_global_name(page: Page) -> None:
    page.goto("/widget/demo.css")  # same origin, no script
    before = set(page.evaluate("Object.keys(window)"))
    page.goto("/")
    page.wait_for_function("window.NakanoChat !== undefined")
    after = set(page.evaluate("Object.keys(window)"))
    assert after - before == {"NakanoChat"}


# --- what a resident on a phone or with large text needs ---------------------------------

PHONE = {"width": 320, "height": 568}


def phone_page(browser: Browser, app_server: str, size: dict[str, int] = PHONE) -> Page:
    return browser.new_context(base_url=app_server, locale="ja-JP", viewport=size).new_page()


def largest_text(page: Page) -> None:
    bigger = page.get_by_role("button", name="文字を大きく")
    for _ in range(6):
        bigger.click()


def answered(page: Page) -> None:
    expect(page.locator("nakano-chat .typing")).to_have_count(0)


@pytest.mark.parametrize("size", [None, PHONE])
def test_the_title_is_shown_whole_at_every_text_size(
    browser: Browser, app_server: str, size: dict[str, int] | None
) -> None:
    page = phone_page(browser, app_server, size or {"width": 1280, "height": 800})
    open_widget(page)
    title = page.get_by_role("heading", name="ごみ分別チャット")
    for _ in range(7):
        fits = title.evaluate(
            "h => h.scrollWidth <= h.clientWidth && h.scrollHeight <= h.clientHeight + 1"
        )
        assert fits, title.evaluate(
            "h => [h.scrollWidth, h.clientWidth, getComputedStyle(h).fontSize]"
        )
        page.get_by_role("button", name="文字を大きく").click()
    page.context.close()


def test_a_long_answer_is_shown_from_its_start(browser: Browser, app_server: str) -> None:
    page = phone_page(browser, app_server)
    open_widget(page)
    largest_text(page)
    say(page, "粗大ごみの出し方を教えて")
    answered(page)
    top, seen, tall = page.evaluate(
        """() => {
            const root = document.querySelector("nakano-chat").shadowRoot;
            const log = root.querySelector(".log").getBoundingClientRect();
            const users = root.querySelectorAll(".msg.user");
            const answer = users[users.length - 1].nextElementSibling.getBoundingClientRect();
            return [answer.top - log.top, log.height, answer.height];
        }"""
    )
    assert tall > seen  # the answer is longer than the view, so where it scrolls matters
    assert 0 <= top < 40  # its first line (the category) is in view
    page.context.close()


def test_phone_numbers_are_tappable(page: Page) -> None:
    open_widget(page)
    say(page, "粗大ごみの申し込み先を教えて")
    answered(page)
    links = page.locator('nakano-chat .msg.bot .bubble a[href^="tel:"]')
    expect(links.first).to_be_visible()
    for link in links.all():
        digits = "".join(ch for ch in link.inner_text() if ch.isdigit())
        assert link.get_attribute("href") == f"tel:{digits}"
        assert digits.startswith("0")
        assert 10 <= len(digits) <= 11


def test_the_text_box_grows_with_the_text(page: Page) -> None:
    open_widget(page)
    box = page.get_by_label("質問を入力")
    one_line = box.bounding_box()["height"]
    box.fill("一行目\n二行目\n三行目\n四行目")
    four_lines = box.bounding_box()["height"]
    assert four_lines > one_line * 2
    page.get_by_role("button", name="文字を大きく").click()
    assert box.bounding_box()["height"] > four_lines  # still all four lines
    box.fill("電池")
    box.press("Enter")
    answered(page)
    assert box.bounding_box()["height"] == one_line


def test_send_again_sends_the_message_once(page: Page) -> None:
    open_widget(page)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/api/chat") else None)
    page.route("**/api/chat", lambda route: route.abort())
    say(page, "スプレー缶は何ごみ？")
    retry = page.get_by_role("button", name="もう一度送る")
    expect(retry).to_be_visible()
    page.unroute("**/api/chat")
    retry.dblclick()
    expect(bot_messages(page).last).to_contain_text("「スプレー缶」は")
    assert len(sent) == 2  # the failed one and one retry
    expect(page.locator("nakano-chat .msg.user")).to_have_text(["スプレー缶は何ごみ？"])
    page.reload()
    expect(page.locator("nakano-chat .msg.user")).to_have_text(["スプレー缶は何ごみ？"])


def test_tab_stays_in_the_panel_on_a_phone(browser: Browser, app_server: str) -> None:
    page = phone_page(browser, app_server, {"width": 390, "height": 844})
    open_widget(page)
    say(page, "粗大ごみの申し込み先を教えて")  # an answer with links in it
    answered(page)
    expect(page.get_by_role("dialog")).to_have_attribute("aria-modal", "true")
    inside = """() => {
        const shadow = document.activeElement && document.activeElement.shadowRoot;
        return Boolean(shadow && shadow.activeElement && shadow.activeElement.closest(".panel"));
    }"""
    for key in ["Tab"] * 20 + ["Shift+Tab"] * 20:
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    page.context.close()


def _luminance(css_color: str) -> float:
    red, green, blue = (float(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_link_in_the_residents_own_bubble_is_readable(page: Page) -> None:
    open_widget(page)
    say(page, "https://www.city.tokyo-nakano.lg.jp/ に書いてありました")
    link = page.locator("nakano-chat .msg.user .bubble a")
    expect(link).to_have_attribute("href", "https://www.city.tokyo-nakano.lg.jp/")
    color = link.evaluate("a => getComputedStyle(a).color")
    background = link.evaluate("a => getComputedStyle(a.parentNode).backgroundColor")
    lighter, darker = sorted([_luminance(color), _luminance(background)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (color, background)


#: The calendar feed of 野方3丁目, as the bot links it.
FEED = "/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE"


def test_a_schedule_answer_offers_the_calendar_as_links(page: Page, app_server: str) -> None:
    """「カレンダーに登録」 under a schedule answer: links to open (the https address in a
    new tab, the webcal one for the calendar app), not buttons that send text."""
    open_widget(page)
    say(page, "野方3丁目の燃やすごみはいつ？")
    expect(bot_messages(page).last).to_contain_text("野方3丁目")
    links = page.locator("nakano-chat .msg.bot .links a")
    expect(links).to_have_count(2)
    web = page.get_by_role("link", name=re.compile(r"^カレンダーに登録（Google カレンダーなど）"))
    expect(web).to_have_attribute("href", f"{app_server}{FEED}")
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_accessible_name(
        re.compile(r"^カレンダーに登録（Google カレンダーなど）\s*（新しいタブで開きます）\s*$")
    )
    subscribe = page.get_by_role("link", name="カレンダーに登録（iPhone・Mac）")
    expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://127\.0\.0\.1:\d+/api/"))
    assert subscribe.get_attribute("href").endswith(FEED)
    assert page.locator("nakano-chat .chip", has_text="カレンダー").count() == 0
    feed = page.request.get(web.get_attribute("href"))
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    # In the widget's other languages, its own words about the links change with it.
    page.locator("nakano-chat select").select_option("en")
    expect(page.locator("nakano-chat .links").last).to_have_attribute("aria-label", "Links")
    expect(web).to_have_accessible_name(
        re.compile(r"^カレンダーに登録（Google カレンダーなど）\s*\(opens in a new tab\)\s*$")
    )
    page.reload()  # kept with the conversation
    expect(page.locator("nakano-chat .msg.bot .links a")).to_have_count(2)
    expect(page.locator("nakano-chat .msg.user")).to_have_count(1)


def test_only_web_and_calendar_addresses_become_links(page: Page) -> None:
    """Whatever an answer's links say, a script address is never made a link."""
    page.route(
        "**/api/chat",
        lambda route: route.fulfill(
            content_type="application/json",
            body=json.dumps({"messages": [{"text": "リンクです", "buttons": [], "links": [
                {"title": "危ない", "url": "javascript:window.__pwned=1"},
                {"title": "区のページ", "url": "https://www.city.tokyo-nakano.lg.jp/"},
            ]}]}),
        ),
    )  # fmt: skip
    open_widget(page)
    say(page, "リンクをください")
    expect(page.locator("nakano-chat .links a")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("^区のページ"))).to_be_visible()
    assert page.locator("nakano-chat a", has_text="危ない").count() == 0


# --- languages: the widget's own words in ja/en/zh/ko; answers in the resident's ----------

ENGLISH_EXAMPLES = [
    "What kind of garbage is a spray can?",
    "What day is burnable garbage collected in Nogata 3-chome?",
    "How do I put out bulky waste?",
]


def widget_lang(page: Page) -> str | None:
    return page.locator("nakano-chat").get_attribute("lang")


def example_chips(page: Page):
    return page.locator("nakano-chat .msg.bot").first.locator(".chip")


def embedding_page(page: Page, html_lang: str | None, data_lang: str | None = None) -> None:
    """A page of the ward's site in another language, embedding the widget with the tag
    README gives (served by the test, same origin as the app)."""
    html = "<html>" if html_lang is None else f'<html lang="{html_lang}">'
    attribute = "" if data_lang is None else f' data-lang="{data_lang}"'
    body = (
        f'<!doctype html>{html}<head><meta charset="utf-8"><title>page</title></head>'
        f'<body><p>page</p><script src="/widget/v1/nakano-chat.js"{attribute} defer></script>'
        "</body></html>"
    )
    page.route("**/embedded.html", lambda route: route.fulfill(content_type="text/html", body=body))
    page.goto("/embedded.html")


def test_the_language_switch_changes_the_widgets_words_and_is_remembered(page: Page) -> None:
    open_widget(page)
    assert widget_lang(page) == "ja"
    expect(example_chips(page)).to_have_text(
        ["スプレー缶は何ごみ？", "野方3丁目の燃やすごみは何曜日？", "粗大ごみの出し方"]
    )
    page.get_by_role("combobox", name="言語（Language）").select_option("en")
    assert widget_lang(page) == "en"
    expect(page.get_by_role("heading", name="Garbage Sorting Chat")).to_be_visible()
    expect(page.get_by_label("Your question")).to_have_attribute(
        "placeholder", "e.g. Where do spray cans go?"
    )
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()
    expect(page.get_by_role("button", name="Larger text")).to_be_visible()
    expect(page.get_by_role("button", name="Close")).to_be_visible()
    expect(page.get_by_role("list", name="Conversation")).to_be_visible()
    expect(bot_messages(page).first).to_contain_text("You can write in English.")
    expect(example_chips(page)).to_have_text(ENGLISH_EXAMPLES)
    expect(page.locator("nakano-chat .msg.bot")).to_have_count(1)  # replaced, not added

    page.get_by_role("combobox", name="Language").select_option("ko")
    assert widget_lang(page) == "ko"
    expect(page.get_by_role("button", name="보내기")).to_be_visible()
    expect(example_chips(page).first).to_have_text("스프레이 캔은 무슨 쓰레기예요?")
    page.get_by_role("combobox", name="언어(Language)").select_option("zh-Hans")
    expect(page.get_by_role("heading", name="垃圾分类聊天")).to_be_visible()
    expect(example_chips(page).first).to_have_text("喷雾罐是什么垃圾？")
    page.get_by_role("combobox", name="语言（Language）").select_option("zh-Hant")
    expect(page.get_by_role("heading", name="垃圾分類聊天")).to_be_visible()
    expect(example_chips(page).first).to_have_text("噴霧罐是什麼垃圾？")

    page.reload()  # the choice is kept for the next page (localStorage)
    expect(page.get_by_role("heading", name="垃圾分類聊天")).to_be_visible()
    assert widget_lang(page) == "zh-Hant"
    assert page.evaluate("localStorage.getItem('nakano-chat:lang')") == "zh-Hant"
    page.get_by_role("combobox", name="語言（Language）").select_option("ja")
    page.reload()
    expect(page.get_by_role("heading", name="ごみ分別チャット")).to_be_visible()


def test_a_switch_keeps_the_conversation_and_relabels_a_retry(page: Page) -> None:
    open_widget(page)
    page.route("**/api/chat", lambda route: route.abort())
    say(page, "電池")
    expect(page.get_by_role("button", name="もう一度送る")).to_be_visible()
    page.get_by_role("combobox", name="言語（Language）").select_option("en")
    expect(page.get_by_role("button", name="Send again")).to_be_visible()
    expect(page.locator("nakano-chat .msg.user")).to_have_text(["電池"])
    expect(bot_messages(page).last).to_contain_text("通信できませんでした")  # said, not redone


@pytest.mark.parametrize(
    ("html_lang", "locale", "data_lang", "expected", "open_label"),
    [
        ("en", "ja-JP", None, "en", "Open the garbage sorting chat"),
        ("en-GB", "ja-JP", "auto", "en", "Open the garbage sorting chat"),
        (None, "en-US", None, "en", "Open the garbage sorting chat"),
        (None, "ko-KR", None, "ko", "쓰레기 분리배출 채팅 열기"),
        (None, "zh-TW", None, "zh-Hant", "開啟垃圾分類聊天"),
        ("zh-CN", "en-US", None, "zh-Hans", "打开垃圾分类聊天"),
        ("fr", "fr-FR", None, "ja", "ごみ分別チャットを開く"),  # none of ours: Japanese
        ("en", "en-US", "ko", "ko", "쓰레기 분리배출 채팅 열기"),  # the ward's choice
    ],
)  # fmt: skip
def test_auto_follows_the_page_then_the_browser(
    browser: Browser,
    app_server: str,
    html_lang: str | None,
    locale: str,
    data_lang: str | None,
    expected: str,
    open_label: str,
) -> None:
    context = browser.new_context(base_url=app_server, locale=locale)
    page = context.new_page()
    embedding_page(page, html_lang, data_lang)
    page.get_by_role("button", name=open_label).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert widget_lang(page) == expected
    expect(page.get_by_role("combobox")).to_have_value(expected)
    context.close()


def test_the_residents_choice_wins_over_the_page(browser: Browser, app_server: str) -> None:
    context = browser.new_context(base_url=app_server, locale="en-US")
    page = context.new_page()
    embedding_page(page, "en")
    page.get_by_role("button", name="Open the garbage sorting chat").click()
    page.get_by_role("combobox", name="Language").select_option("ja")
    page.reload()  # the next page of the English site
    expect(page.get_by_role("button", name="ごみ分別チャットを開く")).to_be_visible()
    assert widget_lang(page) == "ja"
    context.close()


def test_a_question_in_english_gets_an_english_answer(browser: Browser, app_server: str) -> None:
    context = browser.new_context(base_url=app_server, locale="en-US")
    page = context.new_page()
    embedding_page(page, "en")
    page.get_by_role("button", name="Open the garbage sorting chat").click()
    page.get_by_label("Your question").fill("What kind of garbage is a spray can?")
    page.get_by_label("Your question").press("Enter")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("Spray can")
    expect(answer).to_contain_text("(陶器・ガラス・金属ごみ)")
    expect(answer).not_to_contain_text("「スプレー缶」は")
    context.close()


def test_the_answer_follows_what_is_written_not_the_widgets_language(page: Page) -> None:
    open_widget(page)  # Japanese words
    chips = example_chips(page)
    say(page, "What kind of garbage is a spray can?")
    expect(bot_messages(page).last).to_contain_text("Spray can")
    page.get_by_role("combobox", name="言語（Language）").select_option("en")
    chips.nth(2).click()  # "How do I put out bulky waste?"
    answered(page)
    expect(bot_messages(page).last).not_to_contain_text("申し訳ありません")
    expect(page.locator("nakano-chat .msg.user").last).to_have_text(ENGLISH_EXAMPLES[2])
