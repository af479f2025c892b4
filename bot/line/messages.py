"""The bot's answers in the shape LINE accepts.

LINE refuses a whole reply if one part breaks its limits, and a refused reply cannot be
sent again (the reply token is single-use), so the limits are kept here, before sending:
at most 5 messages, text under 5,000 characters, at most 13 quick-reply buttons with
labels of at most 20 characters.
"""

from __future__ import annotations

from collections.abc import Iterable

from linebot.v3.messaging import (
    Action,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from bot.server.schemas import Button, ChatMessage

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
#: Postback ``data`` and ``displayText`` are each limited to 300 characters.
MAX_POSTBACK = 300
ELLIPSIS = "…"


def to_line(messages: Iterable[ChatMessage]) -> list[TextMessage]:
    """Text messages for one reply; every button becomes a quick reply on the last one
    (LINE shows quick replies only under the newest message), and every https link a line
    of its message's text, which LINE makes tappable (a quick reply cannot open a page,
    and LINE does not open webcal addresses)."""
    messages = list(messages)
    texts = _fit_count([chunk for m in messages for chunk in split_text(with_links(m))])
    buttons = [button for m in messages for button in m.buttons]
    line_messages = [TextMessage(text=text) for text in texts]
    if line_messages and buttons:
        line_messages[-1].quick_reply = quick_reply(buttons)
    return line_messages


def with_links(message: ChatMessage) -> str:
    """The message's text, then each of its https links: its title, and the address."""
    shown = [f"{link.title}\n{link.url}" for link in message.links if _opens_in_line(link.url)]
    return "\n\n".join([message.text, *shown])


def _opens_in_line(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at line ends where it can."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:  # one line longer than a whole message
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current:
        pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def _fit_count(texts: list[str]) -> list[str]:
    """At most ``MAX_MESSAGES`` texts: the overflow is joined into the last one, and cut
    with an ellipsis only if even that is too long (it never is for the bot's answers)."""
    if len(texts) <= MAX_MESSAGES:
        return texts
    last = "\n\n".join(texts[MAX_MESSAGES - 1 :])
    return [*texts[: MAX_MESSAGES - 1], _cut(last, MAX_TEXT)]


def quick_reply(buttons: Iterable[Button]) -> QuickReply:
    unique = list({(b.title, b.payload): b for b in buttons}.values())
    return QuickReply(items=[QuickReplyItem(action=_action(b)) for b in unique[:MAX_QUICK_REPLIES]])


def _action(button: Button) -> Action:
    """A payload that is an intent (``/ask_item{…}``) goes back as a postback, so the chat
    shows the button's title rather than the payload; a plain question is sent as text."""
    label = _cut(button.title, MAX_LABEL)
    if button.payload.startswith("/") and len(button.payload) <= MAX_POSTBACK:
        return PostbackAction(
            label=label, data=button.payload, display_text=_cut(button.title, MAX_POSTBACK)
        )
    return MessageAction(label=label, text=button.payload)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
