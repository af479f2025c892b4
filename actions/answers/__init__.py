"""The action Rasa calls for every message, and the answer of each route.

Every intent leads to :class:`ActionRespond` (``data/rasa/rules.yml``). It reads the
message once (:mod:`actions.reading`), lets :func:`actions.routing.route` decide what kind
of answer it gets, and gives that answer here, from the catalog and the ward texts staff
keep. What the conversation should remember is returned as slot events.

The answers live by kind: items (:mod:`._items`), collection days (:mod:`._schedule`),
categories, knowledge entries, bulky waste, small talk and the fallback (:mod:`._general`);
what they share, the resident's language and the ward texts in it, in :mod:`._speech`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers._general import (
    answer_bulky,
    answer_category,
    answer_fallback,
    answer_general,
    answer_reminder,
    answer_small_talk,
)
from actions.answers._items import answer_item, answer_item_day, answer_refinement
from actions.answers._schedule import answer_schedule
from actions.context import live_catalog
from actions.memory import LANGUAGE_SLOT, PENDING_REMINDER_SLOT, Context
from actions.reading import Reading, read
from actions.routing import Route, route

logger = logging.getLogger(__name__)

Answer = Callable[[CollectingDispatcher, Reading, Context], list[EventType]]


class ActionRespond(Action):
    """Every message: read once, routed once, answered."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        context = Context.from_tracker(tracker)
        reading = read(tracker, live_catalog(), context)
        chosen = route(reading, context)
        logger.debug("route %s for intent %s", chosen.value, reading.intent)
        events = ANSWERS[chosen](dispatcher, reading, context)
        if context.pending_reminder is not None and chosen is not Route.REMINDER:
            # Asked something else instead of the area: the request for reminders lapses.
            events.append(SlotSet(PENDING_REMINDER_SLOT, None))
        if reading.language != context.language:
            events.append(SlotSet(LANGUAGE_SLOT, reading.language))
        return events


ANSWERS: dict[Route, Answer] = {
    Route.ITEM: answer_item,
    Route.ITEM_DAY: answer_item_day,
    Route.REFINE: answer_refinement,
    Route.SCHEDULE: answer_schedule,
    Route.CATEGORY: answer_category,
    Route.GENERAL: answer_general,
    Route.BULKY: answer_bulky,
    Route.SMALL_TALK: answer_small_talk,
    Route.FALLBACK: answer_fallback,
    Route.REMINDER: answer_reminder,
}
