"""A LINE conversation with the real bot, drawn for the docs.

    .venv/app/bin/python scripts/line_transcript.py

Starts a scratch stack (real model, action server, SQLite catalog), configures the LINE
channel against the fake Messaging API (``bot.line.fake_api``), sends signed webhook events
as LINE would (friend added, questions, a button tapped, a sticker), and draws what the
fake API received as a LINE-like chat in Debian's Chromium:
docs/images/line-conversation.png. Nothing in the picture is typed by hand: the bubbles
are the requests the bot made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import tempfile
from itertools import count
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright
from pydantic import SecretStr

from bot.line.fake_api import FakeLineApi
from bot.server.app import create_app
from bot.services import backend_services, ensure_model, running, scratch_settings
from bot.settings import ROOT

OUT = ROOT / "docs" / "images" / "line-conversation.png"
SECRET, TOKEN, FAKE_PORT = "demo-secret", "demo-token", 27190
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SOURCE = {"type": "user", "userId": "U-demo"}
_ids = count(1)


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": kind, "mode": "active", "timestamp": 1_795_000_000_000 + n, "source": SOURCE,
        "webhookEventId": f"01DEMO{n:020d}", "deliveryContext": {"isRedelivery": False},
        "replyToken": f"demo-reply-{n}", **fields,
    }  # fmt: skip


def _text(text: str) -> dict[str, Any]:
    return _event("message", message={"id": "1", "type": "text", "quoteToken": "q", "text": text})


def _send(client: TestClient, event: dict[str, Any]) -> None:
    body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
    response = client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": signature.decode()}
    )
    response.raise_for_status()


def converse(client: TestClient, fake: FakeLineApi) -> list[tuple[str, dict[str, Any]]]:
    """The scripted conversation: (what the resident did, LINE's record of the reply)."""
    turns: list[tuple[str, dict[str, Any]]] = []

    def turn(label: str, event: dict[str, Any]) -> dict[str, Any]:
        fake.clear()
        _send(client, event)
        [reply] = fake.replies()
        turns.append((label, reply))
        return reply

    turn("", _event("follow", follow={"isUnblocked": False}))
    turn("スプレー缶は何ごみ？", _text("スプレー缶は何ごみ？"))
    asked = turn("ざるを捨てたい", _text("ざるを捨てたい"))
    items = asked["messages"][-1]["quickReply"]["items"]
    wood = next(i["action"] for i in items if "木製" in i["action"]["displayText"])
    turn(wood["displayText"], _event("postback", postback={"data": wood["data"]}))
    turn("野方3丁目の燃やすごみは何曜日？", _text("野方3丁目の燃やすごみは何曜日？"))
    sticker = {
        "id": "2",
        "type": "sticker",
        "packageId": "446",
        "stickerId": "1988",
        "stickerResourceType": "STATIC",
    }
    turn("（スタンプ）", _event("message", message={**sticker, "quoteToken": "q"}))
    return turns


def render(turns: list[tuple[str, dict[str, Any]]]) -> str:
    rows = []
    for said, reply in turns:
        if said:
            rows.append(f'<div class="me">{html.escape(said)}</div>')
        for message in reply["messages"]:
            rows.append(f'<div class="bot">{html.escape(message["text"])}</div>')
        chips = reply["messages"][-1].get("quickReply", {}).get("items", [])
        if chips:
            labels = "".join(f"<span>{html.escape(c['action']['label'])}</span>" for c in chips)
            rows.append(f'<div class="chips">{labels}</div>')
    return f"""<!doctype html><meta charset="utf-8"><style>
body {{ margin:0; background:#8cabd9; font:15px/1.5 "Noto Sans CJK JP",sans-serif; }}
header {{ background:#243a5e; color:#fff; padding:12px 16px; font-weight:bold; }}
main {{ padding:12px; display:flex; flex-direction:column; gap:8px; }}
.bot,.me {{ max-width:78%; padding:8px 12px; border-radius:16px; white-space:pre-wrap; }}
.bot {{ background:#fff; align-self:flex-start; }}
.me {{ background:#06c755; color:#fff; align-self:flex-end; }}
.chips {{ display:flex; flex-wrap:wrap; gap:6px; }}
.chips span {{ background:#fff; border:1px solid #06c755; color:#06c755; border-radius:14px;
  padding:3px 10px; font-size:13px; }}
</style><header>中野区 ごみ分別案内（LINE）</header><main>{"".join(rows)}</main>"""


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="nakano-line-"))
    settings = scratch_settings(work, rasa_port=27105, action_port=27155).model_copy(
        update={
            "line_channel_secret": SecretStr(SECRET),
            "line_channel_access_token": SecretStr(TOKEN),
            "line_api_base_url": f"http://127.0.0.1:{FAKE_PORT}",
        }
    )
    fake = FakeLineApi(access_token=TOKEN)
    services = backend_services(settings, ensure_model(settings), work)
    with running(services), fake.serve(port=FAKE_PORT), TestClient(create_app(settings)) as app:
        page_html = render(converse(app, fake))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.set_content(page_html)
        page.screenshot(path=str(OUT), full_page=True)
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
