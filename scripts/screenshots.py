"""Screenshots of the widget on the demo page for the docs (desktop and phone).

    .venv/app/bin/python scripts/screenshots.py

Starts a scratch stack, asks a few questions in Debian's Chromium and writes
docs/images/widget-desktop.png and docs/images/widget-phone.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bot.services import app_service, backend_services, ensure_model, running, scratch_settings
from bot.settings import ROOT

OUT = ROOT / "docs" / "images"
QUESTIONS = ["スプレー缶は何ごみ？", "ざるの捨て方", "野方3丁目の燃やすごみは何曜日？"]
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
        browser.close()
    print(f"wrote {OUT}/widget-desktop.png and widget-phone.png")


if __name__ == "__main__":
    main()
