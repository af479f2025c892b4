"""Talking to the Rasa server's REST channel and checking the action server."""

from __future__ import annotations

import logging

import httpx

from bot.server.schemas import Button, ChatMessage

logger = logging.getLogger(__name__)


class RasaUnavailableError(Exception):
    """Rasa (or, behind it, the action server) did not answer."""


class RasaClient:
    """One pooled HTTP client for the life of the app; Rasa is on loopback."""

    def __init__(self, rasa_url: str, action_server_url: str, timeout: float) -> None:
        self._rasa_url = rasa_url
        self._action_server_url = action_server_url
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=2.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, sender: str, text: str) -> list[ChatMessage]:
        try:
            response = await self._http.post(
                f"{self._rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
            )
            response.raise_for_status()
            payload = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("rasa did not answer: %s: %s", type(exc).__name__, exc)
            raise RasaUnavailableError("rasa") from exc
        messages = [
            ChatMessage(
                text=m["text"],
                buttons=[
                    Button(title=b["title"], payload=b["payload"]) for b in m.get("buttons") or []
                ],
            )
            for m in payload
            if m.get("text")
        ]
        if not messages and not await self.action_server_up():
            # Rasa swallows a failed action and answers nothing; say why instead.
            logger.warning("action server is down; rasa answered nothing")
            raise RasaUnavailableError("action server")
        return messages

    async def rasa_up(self) -> bool:
        return await self._ok(f"{self._rasa_url}/webhooks/rest/")

    async def action_server_up(self) -> bool:
        return await self._ok(f"{self._action_server_url}/health")

    async def _ok(self, url: str) -> bool:
        try:
            response = await self._http.get(url, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200
