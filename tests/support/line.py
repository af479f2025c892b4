"""LINE as the tests play it: the channel's secret and token, signed webhook requests with
events as LINE sends them, and what the fake LINE API recorded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from itertools import count
from typing import Any

from fastapi.testclient import TestClient

from tests.support.stack import PORT_OFFSET, worker_number

SECRET = "test-channel-secret-0123456789ab"
TOKEN = "test-access-token-should-never-be-logged"
#: The fake LINE API's port (the ``fake_line`` fixture): one per pytest-xdist worker, since
#: the fast tier's modules that use it may run at the same time on two workers.
FAKE_LINE_PORT = 18090 + PORT_OFFSET + worker_number()

_ids = count(1)


def new_id() -> int:
    """A number no other event or message of this test run has."""
    return next(_ids)


def sign(body: bytes, secret: str = SECRET) -> str:
    """X-Line-Signature as LINE computes it, written here independently of the SDK."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user(user_id: str = "U0001") -> dict[str, str]:
    return {"type": "user", "userId": user_id}


def group(group_id: str, user_id: str) -> dict[str, str]:
    return {"type": "group", "groupId": group_id, "userId": user_id}


def event(kind: str, source: dict[str, str], **fields: Any) -> dict[str, Any]:
    n = new_id()
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1_795_000_000_000 + n,
        "source": source,
        "webhookEventId": f"01TESTEVENT{n:015d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-token-{n}",
        **fields,
    }


def text(text: str, source: dict[str, str] | None = None) -> dict[str, Any]:
    message = {"id": str(new_id()), "type": "text", "quoteToken": "q", "text": text}
    return event("message", source or user(), message=message)


def post(client: TestClient, *events: dict[str, Any], signature: str | None = "sign") -> Any:
    body = json.dumps({"destination": "Ubot", "events": list(events)}).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Line-Signature"] = sign(body)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/line/webhook", content=body, headers=headers)


def reply_texts(reply: dict[str, Any]) -> list[str]:
    return [message["text"] for message in reply["messages"]]


def quick_replies(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["action"] for item in reply["messages"][-1].get("quickReply", {}).get("items", [])]
