"""Rasa's SQL tracker store, with the same rows written and a third of Rasa's time saved.

Profiled under 20 residents, loading and saving conversations takes about a third of
Rasa's CPU per message as shipped, as much as the NLU:

- a connection opened and closed for each load and save: SQLAlchemy 1.4 gives file SQLite a
  ``NullPool``, and a WAL database is checkpointed (synced) at every last close. A pool
  keeps them open, as SQLAlchemy 2.0 does by default (:func:`_pooled_sqlite`).
- an fsync per ``COMMIT`` in SQLite's rollback-journal mode: WAL + ``synchronous=NORMAL``
  (:func:`_sqlite_pragmas`).
- a ``COUNT`` of the conversation's events before every save, to know which are new
  (8 %). The tracker was loaded a moment earlier under the conversation's lock, so that
  number is known: it is kept on the tracker (:func:`_save`). All profiles.
- the conversation read back from the database at every message (10 %), though in the
  embedded profile one Rasa process is its only writer: the last conversations are kept in
  memory, as the rows written (:func:`_recent`), and the database is only written. Only
  for an SQLite tracker store: PostgreSQL is shared by replicas, which must read what
  another replica wrote.

A failing store fails the message (:func:`_fails_loudly`): Rasa wraps the tracker store in a
``FailSafeTrackerStore`` that, when the database is unreachable (a PostgreSQL restart),
answers from an empty conversation and saves into memory: the resident's earlier turns (the
remembered area) would be ignored and the new ones lost for good, silently
(``scripts/faults.py`` shows it). Failing instead, the app answers with the apology and the
ward's phone, and the resident sends again a moment later with the conversation intact.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from bot.rasa_launch.lru import LRU

#: Conversations kept in memory by an SQLite tracker store (each about 20 kB: a resident's
#: few questions and the bot's answers since the conversation's session started).
RECENT_CONVERSATIONS = 2000

#: What a tracker carries from its load to its save: the rows it was made from.
_ROWS = "_nakano_stored_rows"


@dataclass(frozen=True)
class _Row:
    """One stored event as the ``events`` table holds it (what a load needs of it)."""

    type_name: str
    timestamp: float | None
    data: str


def _latest_session(rows: tuple[_Row, ...]) -> tuple[_Row, ...]:
    """The rows Rasa's ``_event_query`` returns: from the latest ``session_started`` on, by
    its timestamp (``timestamp >= max(session start)``), or all when there is none."""
    starts = [
        r.timestamp for r in rows if r.type_name == "session_started" and r.timestamp is not None
    ]
    if not starts:
        return rows
    start = max(starts)
    return tuple(r for r in rows if r.timestamp is not None and r.timestamp >= start)


def _recent(store: Any) -> LRU[str, tuple[_Row, ...]] | None:
    """The rows of the latest session of the store's recently active conversations: exactly
    what Rasa's query would read back. Only a file SQLite store, whose only writer is this
    process, keeps them."""
    if not hasattr(store, "_nakano_recent"):
        url = store.engine.url
        single_writer = url.get_backend_name() == "sqlite" and url.database not in (
            None, "", ":memory:",
        )  # fmt: skip
        store._nakano_recent = LRU(RECENT_CONVERSATIONS) if single_writer else None
    return store._nakano_recent


def _tracker(store: Any, sender_id: str, rows: tuple[_Row, ...], *, latest: bool) -> Any:
    """Rasa's tracker from the rows; those of the latest session are remembered on it, as
    the number of stored events a save would count."""
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_dict(
        sender_id, [json.loads(row.data) for row in rows], store.domain.slots
    )
    if latest:
        setattr(tracker, _ROWS, rows)
    return tracker


async def _retrieve(self: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
    # Rasa's own query and tracker, plus the rows remembered on the tracker (for the save)
    # and, for file SQLite, in memory (for the next load).
    recent = _recent(self)
    if not fetch_events_from_all_sessions and recent is not None:
        rows = recent.get(sender_id)
        if rows:
            return _tracker(self, sender_id, rows, latest=True)
    with self.session_scope() as session:
        rows = tuple(
            _Row(event.type_name, event.timestamp, event.data)
            for event in self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
        )
    if not fetch_events_from_all_sessions and recent is not None:
        recent.put(sender_id, rows)  # () for a new conversation: its first save counts nothing
    if not (self.domain and rows):
        return None
    return _tracker(self, sender_id, rows, latest=not fetch_events_from_all_sessions)


async def _save(self: Any, tracker: Any) -> None:
    # Rasa's own save, except that the number of stored events comes from the tracker's
    # load (the conversation is locked from load to save) instead of a COUNT query.
    from rasa.shared.nlu.constants import INTENT_NAME_KEY

    await self.stream_events(tracker)
    recent = _recent(self)
    stored: tuple[_Row, ...] | None = getattr(tracker, _ROWS, None)
    if stored is None and recent is not None:  # what the database holds, in memory
        stored = recent.get(tracker.sender_id)
    new_rows = []
    with self.session_scope() as session:
        if stored is None:  # made here, not loaded (a new conversation), or a copy
            stored_count = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            if stored_count == 0:  # nothing stored yet: a new conversation
                stored = ()
        else:
            stored_count = len(stored)
        for event in itertools.islice(tracker.events, stored_count, len(tracker.events)):
            data = event.as_dict()
            row = _Row(event.type_name, data.get("timestamp"), json.dumps(data))
            new_rows.append(row)
            # noinspection PyArgumentList
            session.add(
                self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=row.type_name,
                    timestamp=row.timestamp,
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=row.data,
                )
            )
        session.commit()
    if stored is None:  # what was stored before is not known here: the next load reads it
        return
    rows = _latest_session(stored + tuple(new_rows))
    setattr(tracker, _ROWS, rows)
    if recent is not None:
        recent.put(tracker.sender_id, rows)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL + synchronous=NORMAL: a commit appends to the log without an fsync (the log is
    # synced at checkpoints). A crashed Rasa loses nothing; a power cut may lose the last
    # moments of conversations (slots such as the remembered area), never corrupt the
    # file. That is the right trade for the embedded profile's tracker store; the
    # production profile keeps conversations in PostgreSQL. busy_timeout as the catalog's.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _pooled_sqlite(create_engine_kwargs: Any) -> Any:
    """Rasa's ``create_engine_kwargs`` plus a connection pool for an SQLite file."""
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.pool import QueuePool

    def kwargs_for(url: Any) -> dict[str, Any]:
        kwargs = create_engine_kwargs(url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # Rasa reads and writes the tracker store from its event loop's thread only;
            # check_same_thread is off as SQLAlchemy 2.0 does with its pooled SQLite.
            kwargs.setdefault("poolclass", QueuePool)
            kwargs.setdefault("connect_args", {"check_same_thread": False})
        return kwargs

    return kwargs_for


def _fails_loudly() -> None:
    """``FailSafeTrackerStore`` without the fail-safe: errors of the real store propagate
    (logged by Rasa's request handler), so no turn is answered from, or saved to, memory."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    async def retrieve(self: Any, sender_id: str) -> Any:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self: Any, sender_id: str) -> Any:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self: Any, tracker: Any) -> None:
        await self._tracker_store.save(tracker)

    FailSafeTrackerStore.retrieve = retrieve  # type: ignore[method-assign]
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker  # type: ignore[method-assign]
    FailSafeTrackerStore.save = save  # type: ignore[method-assign]


def apply() -> None:
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _fails_loudly()
    tracker_store.create_engine_kwargs = _pooled_sqlite(tracker_store.create_engine_kwargs)

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            _sqlite_pragmas(dbapi_connection, record)

    # Every engine of this process: in Rasa only the SQL tracker store makes one.
    event.listen(Engine, "connect", on_connect)

    store = tracker_store.SQLTrackerStore
    store._retrieve = _retrieve  # type: ignore[method-assign]
    store.save = _save  # type: ignore[method-assign]
