"""A stand-in for LINE's Messaging API on loopback, for tests and for trying the webhook
without a LINE channel.

It records every request the bot makes and answers as LINE does, errors included: a wrong
access token is 401; a reply token used twice, expired (``expire()``) or unknown to LINE
is 400 "Invalid reply token"; a message breaking LINE's limits is 400 with the reason. So a
test that passes here would not be refused by the real LINE for the reasons LINE gives.

    python -m bot.line.fake_api --port 8090 --token dev-token

then point the bot at it with ``LINE_API_BASE_URL=http://127.0.0.1:8090``; the record is
at ``GET /fake/requests``.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

#: LINE's own limits, written out here rather than imported from bot.line.messages: the
#: fake checks the bot's reply against LINE's rules, so it must not share the bot's numbers.
MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20


@dataclass
class RecordedRequest:
    path: str
    body: dict[str, Any]
    status: int


@dataclass
class FakeLineApi:
    access_token: str
    requests: list[RecordedRequest] = field(default_factory=list)
    _expired: set[str] = field(default_factory=set)
    _used: set[str] = field(default_factory=set)

    def expire(self, reply_token: str) -> None:
        """Make LINE refuse ``reply_token``, as it does about a minute after the event."""
        self._expired.add(reply_token)

    def replies(self) -> list[dict[str, Any]]:
        """Bodies of the replies LINE accepted."""
        return [r.body for r in self.requests if r.path.endswith("/reply") and r.status == 200]

    def pushes(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path.endswith("/push")]

    def clear(self) -> None:
        self.requests.clear()

    def app(self) -> FastAPI:
        app = FastAPI(title="Fake LINE Messaging API")

        @app.post("/v2/bot/message/reply")
        async def reply(request: Request) -> JSONResponse:
            return await self._answer(request, self._check_reply)

        @app.post("/v2/bot/message/push")
        async def push(request: Request) -> JSONResponse:
            return await self._answer(request, self._check_push)

        @app.get("/fake/requests")
        async def recorded() -> list[dict[str, Any]]:
            return [vars(r) for r in self.requests]

        return app

    async def _answer(
        self, request: Request, check: Callable[[dict[str, Any]], str | None]
    ) -> JSONResponse:
        body = await request.json()
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            status, content = 401, {"message": "Authentication failed."}
        elif problem := check(body):
            status, content = 400, {"message": problem}
        else:
            sent = [{"id": str(i), "quoteToken": f"q{i}"} for i in range(len(body["messages"]))]
            status, content = 200, {"sentMessages": sent}
        self.requests.append(RecordedRequest(request.url.path, body, status))
        return JSONResponse(status_code=status, content=content)

    def _check_reply(self, body: dict[str, Any]) -> str | None:
        token = body.get("replyToken")
        if not token or token in self._expired or token in self._used:
            return "Invalid reply token"
        self._used.add(token)
        return _check_messages(body.get("messages"))

    def _check_push(self, body: dict[str, Any]) -> str | None:
        if not body.get("to"):
            return "The property, 'to', in the request body is invalid"
        return _check_messages(body.get("messages"))

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 8090) -> Iterator[str]:
        """Run on ``host:port`` in a thread; yields the base URL."""
        config = uvicorn.Config(self.app(), host=host, port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the fake LINE API did not start on {host}:{port}")
            time.sleep(0.02)
        try:
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _check_messages(messages: Any) -> str | None:
    """LINE's own limits on a message list, as it reports them."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        return "Size must be between 1 and 5"
    for message in messages:
        text = message.get("text", "")
        if message.get("type") != "text" or not 1 <= len(text) <= MAX_TEXT:
            return "Length must be between 1 and 5000"
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > MAX_QUICK_REPLIES:
            return "Size must be between 0 and 13"
        if any(len(item["action"].get("label", "")) > MAX_LABEL for item in items):
            return "Length must be between 0 and 20"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--token", required=True, help="the access token the bot is given")
    args = parser.parse_args()
    uvicorn.run(FakeLineApi(args.token).app(), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
