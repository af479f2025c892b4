"""Rasa's SQL tracker store, with the same rows written and much of Rasa's time saved.

Rasa loads :class:`SQLTrackerStore` by its hook for custom tracker stores: the endpoints
file that ``bot.services`` writes names it as the tracker store's ``type``, with the
options of Rasa's own ``type: SQL`` (``dialect``, ``db``, ``url``, ``port``, …)::

    tracker_store:
      type: bot.rasa_launch.tracker_store.SQLTrackerStore
      dialect: sqlite
      db: var/tracker.sqlite3

Profiled under load, loading and saving conversations took as much of Rasa's CPU per
message as the NLU (docs/BENCHMARKS.md has the figures), for these reasons:

- a connection opened and closed for each load and save: SQLAlchemy 1.4 gives file SQLite a
  ``NullPool``, and a WAL database is checkpointed (synced) at every last close. A pool
  keeps them open, as SQLAlchemy 2.0 does by default (:meth:`SQLTrackerStore._pooled`).
- an fsync per ``COMMIT`` in SQLite's rollback-journal mode: WAL + ``synchronous=NORMAL``
  (:func:`_sqlite_pragmas`).
- a ``COUNT`` of the conversation's events before every save, to know which are new.
  The tracker was loaded a moment earlier under the conversation's lock, so that
  number is known: it is kept on the tracker (:meth:`SQLTrackerStore.save`). All profiles.
- the conversation read back from the database at every message, though in the
  embedded profile one Rasa process is its only writer: the last conversations are kept in
  memory, as the rows written, and the database is only written. Only for an SQLite
  tracker store: PostgreSQL is shared by replicas, which must read what another replica
  wrote.

The class reads Rasa's own query (``_event_query``), checked at start-up (:func:`check`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import rasa.core.tracker_store
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event
from sqlalchemy.engine.url import URL
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.rasa_launch.lru import LRU
from bot.rasa_launch.patching import expect

#: Conversations kept in memory by an SQLite tracker store (each is a resident's few
#: questions and the bot's answers since the conversation's session started; the memory
#: they take: docs/BENCHMARKS.md).
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


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


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


class SQLTrackerStore(rasa.core.tracker_store.SQLTrackerStore):
    """Rasa's SQL tracker store (same options, same table, same rows), loaded from the
    endpoints file; see the module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(*args, **kwargs)
        except (AttributeError, ImportError) as error:
            # Rasa takes these for "no such class" and keeps conversations in memory
            # instead, with only a warning (a missing database driver is an ImportError).
            raise RuntimeError(f"the tracker store cannot start: {error!r}") from error
        #: The rows of the latest session of recently active conversations: exactly what
        #: Rasa's query would read back. Only a file SQLite store, whose only writer is this
        #: process, keeps them.
        self.recent: LRU[str, tuple[_Row, ...]] | None = None
        if _is_sqlite_file(self.engine.url):
            self._pooled()
            self.recent = LRU(RECENT_CONVERSATIONS)

    def _pooled(self) -> None:
        """Rasa's engine (tables made) replaced by one that keeps its SQLite connections
        open, each in WAL mode. Rasa reads and writes the tracker store from its event
        loop's thread only; check_same_thread is off as SQLAlchemy 2.0 does with its
        pooled SQLite."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = create_engine(
            url, poolclass=QueuePool, connect_args={"check_same_thread": False}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _tracker(self, sender_id: str, rows: tuple[_Row, ...]) -> DialogueStateTracker:
        """Rasa's tracker of the latest session from its rows, which are remembered on it,
        as the number of stored events a save would count."""
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(row.data) for row in rows], self.domain.slots
        )
        setattr(tracker, _ROWS, rows)
        return tracker

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Rasa's tracker of the conversation's latest session: from memory when it was
        active lately (file SQLite), else by Rasa's own query."""
        if self.recent is not None:
            rows = self.recent.get(sender_id)
            if rows:
                return self._tracker(sender_id, rows)
        with self.session_scope() as session:
            rows = tuple(
                _Row(stored.type_name, stored.timestamp, stored.data)
                for stored in self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=False
                ).all()
            )
        if self.recent is not None:  # () for a new conversation: its first save counts nothing
            self.recent.put(sender_id, rows)
        if not (self.domain and rows):
            return None
        return self._tracker(sender_id, rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's own save, except that the number of stored events comes from the
        tracker's load (the conversation is locked from load to save) instead of a
        ``COUNT`` query."""
        await self.stream_events(tracker)
        stored: tuple[_Row, ...] | None = getattr(tracker, _ROWS, None)
        if stored is None and self.recent is not None:  # what the database holds, in memory
            stored = self.recent.get(tracker.sender_id)
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
            for new in itertools.islice(tracker.events, stored_count, len(tracker.events)):
                data = new.as_dict()
                row = _Row(new.type_name, data.get("timestamp"), json.dumps(data))
                new_rows.append(row)
                # noinspection PyArgumentList
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=row.type_name,
                        timestamp=row.timestamp,
                        intent_name=data.get("parse_data", {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=row.data,
                    )
                )
            session.commit()
        if stored is None:  # what was stored before is not known here: the next load reads it
            return
        rows = _latest_session(stored + tuple(new_rows))
        setattr(tracker, _ROWS, rows)
        if self.recent is not None:
            self.recent.put(tracker.sender_id, rows)


def check() -> None:
    """Stop Rasa unless its query, which :class:`SQLTrackerStore` reads, is as expected."""
    expect(
        __name__,
        rasa.core.tracker_store.SQLTrackerStore,
        "_event_query",
        "(self, session, sender_id, fetch_events_from_all_sessions)",
    )
