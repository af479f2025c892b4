"""The custom action run in this process as Rasa hands a message over, through rasa-sdk's
own objects."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def run(
    action: Any,
    text: str,
    intent: str = "ask_item",
    confidence: float = 0.99,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender_id: str = "test",
) -> tuple[list[dict[str, Any]], list[Any]]:
    """One message through ``action`` as Rasa hands it over: the messages the action sent
    and the events it returned."""
    tracker = Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events
