"""The ids LINE chats have as conversations, which the app gives Rasa and the actions read.

One per friend in a one-to-one chat (``line:user:<userId>``), one per group or room the
account was invited into (``line:group:<groupId>``, ``line:room:<roomId>``). The web chat's
are ``web:…`` (:mod:`bot.server.chat`), so the two never collide. Reminders are pushed to
one-to-one chats only, so only there does a conversation id name someone to push to.
"""

from __future__ import annotations

LINE_CHANNEL = "line"
USER = "user"
GROUP = "group"
ROOM = "room"


def conversation_id(kind: str, chat_id: str) -> str:
    """The conversation of a LINE chat of ``kind`` (:data:`USER`, :data:`GROUP`, :data:`ROOM`)."""
    return f"{LINE_CHANNEL}:{kind}:{chat_id}"


def is_line(conversation: str) -> bool:
    """Whether ``conversation`` is a LINE chat (of any kind)."""
    return conversation.startswith(f"{LINE_CHANNEL}:")


def line_user_id(conversation: str) -> str | None:
    """The LINE user id of a one-to-one chat's conversation; ``None`` for any other."""
    prefix = conversation_id(USER, "")
    user = conversation.removeprefix(prefix)
    return user if conversation.startswith(prefix) and user else None
