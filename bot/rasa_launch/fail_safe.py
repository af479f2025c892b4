"""A failing tracker store fails the message, instead of Rasa answering from memory.

Rasa wraps every tracker store in a ``FailSafeTrackerStore`` that, when the database is
unreachable (a PostgreSQL restart), answers from an empty conversation and saves into
memory. The resident's earlier turns (the remembered area) were then ignored and the new
ones lost for good, silently — found by ``scripts/measure/faults.py``. Without the
fail-safe the app answers with the apology and the ward's phone, and the resident sends
again a moment later with the conversation intact.

Why a patch: Rasa 3.6 has no hook for it. ``Agent._create_tracker_store`` wraps whatever
tracker store the endpoints name (our :class:`~bot.rasa_launch.tracker_store.SQLTrackerStore`
too) in ``FailSafeTrackerStore(store)``, with no error callback and no setting to leave it
out; the wrapper catches every ``Exception`` of the store. So its three methods that call
the store are replaced by ones that only call it; errors propagate and Rasa's request
handler logs them.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

from bot.rasa_launch.patching import expect


async def _retrieve(self: Any, sender_id: str) -> Any:
    return await self._tracker_store.retrieve(sender_id)


async def _retrieve_full_tracker(self: Any, sender_id: str) -> Any:
    return await self._tracker_store.retrieve_full_tracker(sender_id)


async def _save(self: Any, tracker: Any) -> None:
    await self._tracker_store.save(tracker)


def apply() -> None:
    """``FailSafeTrackerStore`` without the fail-safe: the wrapped store's errors propagate,
    so no turn is answered from, or saved to, memory."""
    # The replacements call the store that Rasa's constructor keeps as ``_tracker_store``.
    expect(
        __name__,
        FailSafeTrackerStore,
        "__init__",
        "(self, tracker_store, on_tracker_store_error, fallback_tracker_store)",
    )
    for name, parameters, replacement in (
        ("retrieve", "(self, sender_id)", _retrieve),
        ("retrieve_full_tracker", "(self, sender_id)", _retrieve_full_tracker),
        ("save", "(self, tracker)", _save),
    ):
        expect(__name__, FailSafeTrackerStore, name, parameters)
        setattr(FailSafeTrackerStore, name, replacement)
