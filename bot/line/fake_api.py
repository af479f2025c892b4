"""A stand-in for LINE's Messaging API on loopback, for tests and for trying the webhook
without a LINE channel.

It records every request the bot makes and answers as LINE does, errors included: a wrong
access token is 401; a reply token used twice, expired (``expire()``) or unknown to LINE
is 400 "Invalid reply token"; a message breaking LINE's limits is 400 with the reason. So a
test that passes here would not be refused by the real LINE for the reasons LINE gives.

Pushes too: a push whose ``X-Line-Retry-Key`` LINE accepted before is 409 (LINE delivers
it once), a push to a user who blocked the account (``block()``) is 403, and
``fail_next()`` makes the next pushes fail as a busy LINE does (429, 500, with
``Retry-After`` if asked).

    python -m bot.line.fake_api --port 8090 --token dev-token

then point the bot at it with ``LINE_API_BASE_URL=http://127.0.0.1:8090``; the record is
at ``GET /fake/requests``.
"""

from __future__ import annotations

import argparse
import asyncio
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
    retry_key: str | None = None


@dataclass
class _Failure:
    status: int
    message: str
    retry_after: int | None


@dataclass
class FakeLineApi:
    access_token: str
    requests: list[RecordedRequest] = field(default_factory=list)
    #: Seconds each push takes to be answered, as over a real network (0: at once).
    push_latency: float = 0.0
    _expired: set[str] = field(default_factory=set)
    _used: set[str] = field(default_factory=set)
    _accepted_keys: dict[str, str] = field(default_factory=dict)
    _blocked: set[str] = field(default_factory=set)
    _failures: list[_Failure] = field(default_factory=list)

    def expire(self, reply_token: str) -> None:
        """Make LINE refuse ``reply_token``, as it does about a minute after the event."""
        self._expired.add(reply_token)

    def block(self, user_id: str) -> None:
        """Make ``user_id`` a user who blocked the account: pushes to them are 403."""
        self._blocked.add(user_id)

    def fail_next(
        self,
        status: int,
        times: int = 1,
        message: str = "The API rate limit has been exceeded. Try again later.",
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` pushes with ``status`` (429, 5xx), as a busy LINE does."""
        self._failures.extend(_Failure(status, message, retry_after) for _ in range(times))

    def replies(self) -> list[dict[str, Any]]:
        """Bodies of the replies LINE accepted."""
        return [r.body for r in self.requests if r.path.endswith("/reply") and r.status == 200]

    def pushes(self) -> list[dict[str, Any]]:
        """Bodies of the pushes LINE accepted (each delivered once)."""
        return [r.body for r in self.push_attempts() if r.status == 200]

    def push_attempts(self) -> list[RecordedRequest]:
        """Every push request, accepted or not, with its status and retry key."""
        return [r for r in self.requests if r.path.endswith("/push")]

    def clear(self) -> None:
        self.requests.clear()
        self._failures.clear()
        self.push_latency = 0.0

    def app(self) -> FastAPI:
        app = FastAPI(title="Fake LINE Messaging API")

        @app.post("/v2/bot/message/reply")
        async def reply(request: Request) -> JSONResponse:
            return await self._answer(request, self._check_reply)

        @app.post("/v2/bot/message/push")
        async def push(request: Request) -> JSONResponse:
            return await self._push(request)

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

    async def _push(self, request: Request) -> JSONResponse:
        """A push: refused, failed or accepted as LINE would, and recorded with its key."""
        key = request.headers.get("x-line-retry-key")
        body = await request.json()
        await asyncio.sleep(self.push_latency)
        headers: dict[str, str] = {}
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            status, content = 401, {"message": "Authentication failed."}
        elif self._failures:
            failure = self._failures.pop(0)
            status, content = failure.status, {"message": failure.message}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
        elif key is not None and key in self._accepted_keys:
            status = 409
            content = {"message": "The retry key is already accepted"}
            headers["x-line-accepted-request-id"] = self._accepted_keys[key]
        elif problem := self._check_push(body):
            status, content = 400, {"message": problem}
        elif body["to"] in self._blocked:
            status, content = 403, {"message": "The user has blocked the account."}
        else:
            sent = [{"id": str(i), "quoteToken": f"q{i}"} for i in range(len(body["messages"]))]
            status, content = 200, {"sentMessages": sent}
            if key is not None:
                self._accepted_keys[key] = f"request-{len(self._accepted_keys) + 1}"
        self.requests.append(RecordedRequest(request.url.path, body, status, key))
        return JSONResponse(status_code=status, content=content, headers=headers)

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
