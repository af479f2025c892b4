"""Screenshots for the docs: the widget on the demo page (desktop and phone) and the
staff admin.

    .venv/app/bin/python scripts/screenshots.py

Starts a scratch stack, asks a few questions in Debian's Chromium, logs in to /admin as a
scratch editor, and writes docs/images/widget-{desktop,phone}.png and
docs/images/admin-{items,resolve,analytics}.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import select

from bot.catalog.models import UnansweredQuestion
from bot.services import app_service, backend_services, ensure_model, running, scratch_settings
from bot.settings import ROOT, Settings
from bot.staff.accounts import Role, create_user
from bot.staff.audit import staff_sessionmaker

OUT = ROOT / "docs" / "images"
QUESTIONS = ["スプレー缶は何ごみ？", "ざるの捨て方", "野方3丁目の燃やすごみは何曜日？"]
UNKNOWN = ["ゆわかしじゃーの捨て方", "ゆわかしじゃーを捨てたい", "古い鎧兜はどうすれば"]
ADMIN_USER, ADMIN_PASSWORD = "screenshot-editor", "screenshots only, thrown away"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="nakano-shots-"))
    settings = scratch_settings(work, rasa_port=27005, action_port=27055, port=27000)
    services = [
        *backend_services(settings, ensure_model(settings), work),
        app_service(settings, work),
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    with running(services), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, viewport in (("desktop", (1280, 800)), ("phone", (390, 844))):
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.goto(f"http://{settings.host}:{settings.port}/")
            page.get_by_role("button", name="ごみ分別チャットを開く").click()
            for question in QUESTIONS:
                page.get_by_label("質問を入力").fill(question)
                page.get_by_label("質問を入力").press("Enter")
                expect(page.locator("nakano-chat .typing")).to_have_count(0)
            page.screenshot(path=str(OUT / f"widget-{name}.png"))
            page.close()
        admin_shots(browser, settings)
        browser.close()
    print(f"wrote the screenshots in {OUT}")


def admin_shots(browser: Browser, settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}"
    for question in UNKNOWN:  # so the unanswered list has something to show
        httpx.post(f"{base}/api/chat", json={"sender_id": "shots", "text": question}, timeout=30)
    sessions = staff_sessionmaker(settings.database_url)
    with sessions() as session:
        create_user(session, ADMIN_USER, ADMIN_PASSWORD, Role.EDITOR)
        session.commit()
        question_id = session.scalars(
            select(UnansweredQuestion.id).order_by(UnansweredQuestion.count.desc())
        ).first()
    page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 860})
    page.goto("/admin/login")
    page.locator('input[name="username"]').fill(ADMIN_USER)
    page.locator('input[name="password"]').fill(ADMIN_PASSWORD)
    page.locator('button[type="submit"]').click()
    page.wait_for_url("**/admin/")
    for name, path in (
        ("items", "/admin/item/list?search=すぷれー"),
        ("resolve", f"/admin/resolve/{question_id}"),
        ("analytics", "/admin/analytics"),
    ):
        page.goto(path)
        page.screenshot(path=str(OUT / f"admin-{name}.png"))
    page.close()


if __name__ == "__main__":
    main()
