"""The ward's LINE official account: webhook events in, replies out.

Events come after the webhook has verified their signature and dropped redeliveries
(``bot.line.webhook``); here each one becomes a turn of the same Rasa conversation the web
chat uses, answered once with the free Reply API. Nothing is pushed (push messages cost the
ward money) unless ``line_push_when_reply_fails`` is set; reminders are pushed apart, by
:mod:`bot.reminders.sender`. A friend who blocks the account (unfollow) has their
reminders deleted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp
from fastapi.concurrency import run_in_threadpool
from linebot.v3 import WebhookParser
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    Event,
    EventMode,
    FollowEvent,
    GroupSource,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    Source,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy.orm import Session, sessionmaker

from bot.i18n import ENGLISH
from bot.i18n.voice import template
from bot.line.conversation_ids import GROUP, ROOM, USER, conversation_id
from bot.line.messages import to_line
from bot.reminders.subscriptions import forget, unblock
from bot.server.conversation import Conversations
from bot.server.own_words import too_fast_text
from bot.server.rate_limit import RateLimits
from bot.server.schemas import Button, ChatMessage
from bot.settings import Settings

logger = logging.getLogger(__name__)

#: Seconds to wait for LINE's API; a reply token lives about a minute, so longer is useless.
API_TIMEOUT_SECONDS = 10


def sender_id(source: Source | None) -> str | None:
    """The conversation an event belongs to: one per user in a 1:1 chat, one per group or
    room otherwise (what one member told the bot, e.g. the area, holds for the group)."""
    if isinstance(source, GroupSource):
        return conversation_id(GROUP, source.group_id)
    if isinstance(source, RoomSource):
        return conversation_id(ROOM, source.room_id)
    if isinstance(source, UserSource) and source.user_id:
        return conversation_id(USER, source.user_id)
    return None


def push_target(source: Source | None) -> str | None:
    if isinstance(source, GroupSource):
        return source.group_id
    if isinstance(source, RoomSource):
        return source.room_id
    if isinstance(source, UserSource):
        return source.user_id
    return None


class LineChannel:
    """Create inside the running event loop (the SDK's HTTP session belongs to it)."""

    def __init__(
        self,
        settings: Settings,
        conversations: Conversations,
        limits: RateLimits,
        sessions: sessionmaker[Session],
    ) -> None:
        secret, token = settings.line_channel_secret, settings.line_channel_access_token
        if secret is None or token is None:
            raise ValueError("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are both needed")
        self.parser = WebhookParser(secret.get_secret_value())
        self._client = AsyncApiClient(
            Configuration(host=settings.line_api_base_url, access_token=token.get_secret_value())
        )
        self._api = AsyncMessagingApi(self._client)
        self._conversations = conversations
        self._limits = limits
        self._sessions = sessions
        self._push_when_reply_fails = settings.line_push_when_reply_fails

    async def aclose(self) -> None:
        await self._client.close()

    async def handle(self, events: Sequence[Event], base: str) -> None:
        """Answer ``events`` in order; one failing event does not stop the others.
        ``base`` is the app's address, on which the answers' links are made."""
        for event in events:
            try:
                await self._handle(event, base)
            except Exception:
                logger.exception("LINE event %s could not be answered", _describe(event))

    async def _handle(self, event: Event, base: str) -> None:
        await self._follow_reminders(event)  # whichever channel answers the chat
        if event.mode == EventMode.STANDBY:
            return  # another channel (a module) is answering this chat
        reply_token = getattr(event, "reply_token", None)
        if not reply_token:
            return  # unfollow, leave, unsend…: nothing to say, and no way to say it
        messages = await self._answer(event, base)
        if messages:
            await self._send(reply_token, messages, event.source)

    async def _follow_reminders(self, event: Event) -> None:
        """Unfollow (the friend blocked the account): their reminders are deleted. Follow
        again: reminders kept while LINE refused pushes to them are sent again."""
        source = event.source
        if not isinstance(event, UnfollowEvent | FollowEvent) or not isinstance(source, UserSource):
            return
        if not source.user_id:
            return
        change = forget if isinstance(event, UnfollowEvent) else unblock

        def apply() -> None:
            with self._sessions() as session:
                change(session, source.user_id)

        await run_in_threadpool(apply)

    async def _answer(self, event: Event, base: str) -> list[ChatMessage]:
        sender = sender_id(event.source)
        if isinstance(event, MessageEvent):
            content = event.message
            if isinstance(content, TextMessageContent) and sender:
                return await self._converse(sender, content.text, base)
            if isinstance(content, LocationMessageContent):
                return self._guide("line_location")
            return self._guide("line_unsupported")
        if isinstance(event, PostbackEvent) and sender and event.postback.data:
            return await self._converse(sender, event.postback.data, base)
        if isinstance(event, FollowEvent | JoinEvent):
            return self._greet()
        return []

    async def _converse(self, sender: str, text: str, base: str) -> list[ChatMessage]:
        if not (await self._limits.check(sender=sender)).allowed:
            return [ChatMessage(text=too_fast_text(text))]
        return (await self._conversations.reply(sender, text, base)).messages

    def _guide(self, key: str) -> list[ChatMessage]:
        """A ward text with the example questions as buttons, so that a resident who did
        not know what to type has something to tap."""
        examples = self._conversations.ward_text("examples").splitlines()
        buttons = [Button(title=q.strip(), payload=q.strip()) for q in examples if q.strip()]
        text = self._conversations.ward_text(key) or self._conversations.ward_text("help")
        return [ChatMessage(text=text, buttons=buttons)] if text else []

    def _greet(self) -> list[ChatMessage]:
        """The Japanese greeting with the example buttons, then the greeting in English:
        a new friend who does not read Japanese learns at once that they may write in
        their own language (the bot answers in the language it is written to). The
        English is the greeting's translation while it translates the current Japanese,
        else a line of ``replies.yml``."""
        [guide] = self._guide("greet") or [None]
        if guide is None:
            return []
        japanese = self._conversations.ward_text("greet")
        english = self._conversations.translated_ward_text("greet", ENGLISH, japanese)
        english = english or template("line_greeting", ENGLISH)
        # The buttons stay on the last message: LINE shows quick replies under it only.
        return [ChatMessage(text=guide.text), ChatMessage(text=english, buttons=guide.buttons)]

    async def _send(
        self, reply_token: str, messages: list[ChatMessage], source: Source | None
    ) -> None:
        line_messages = to_line(messages)
        try:
            await self._api.reply_message(
                ReplyMessageRequest(reply_token=reply_token, messages=line_messages),
                _request_timeout=API_TIMEOUT_SECONDS,
            )
        except ApiException as exc:
            # Typically an expired or used reply token (400); never retried, since LINE
            # would refuse the same token again.
            logger.warning("LINE refused the reply: HTTP %s %s", exc.status, error_text(exc))
            await self._push_instead(line_messages, source)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("LINE API did not answer the reply: %s", type(exc).__name__)

    async def _push_instead(self, messages: list[TextMessage], source: Source | None) -> None:
        target = push_target(source)
        if not self._push_when_reply_fails or not target:
            return
        try:
            await self._api.push_message(
                PushMessageRequest(to=target, messages=messages),
                _request_timeout=API_TIMEOUT_SECONDS,
            )
            logger.info("answer pushed after the reply failed")
        except ApiException as exc:
            logger.warning("LINE refused the push: HTTP %s %s", exc.status, error_text(exc))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("LINE API did not answer the push: %s", type(exc).__name__)


def _describe(event: Event) -> str:
    return f"{getattr(event, 'type', '?')}/{getattr(event, 'webhook_event_id', '?')}"


def error_text(exc: ApiException) -> str:
    """LINE's own message for the error, e.g. 'Invalid reply token'; the body holds no
    secret (the token travels in the request, never in LINE's answer)."""
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
    return (body or exc.reason or "")[:300]
