"""``rasa`` with two costs per message removed; runs in the Rasa environment (Python 3.10).

    .venv/rasa/bin/python -m bot.rasa_launch run --model ... (any ``rasa`` arguments)

is ``rasa run ...`` after :func:`apply` (``bot.services`` starts Rasa this way). Profiled
with py-spy under a steady stream of ``/api/chat`` messages (issue #8), Rasa spent its time
as follows, where a bare Rasa without actions spends only the NLU part:

- about 35 %: ``RemoteAction._validate_action_result``. It calls ``jsonschema.validate``,
  which first checks the (constant) response schema against the draft 2020-12 meta-schema
  on every call: 30–50 ms a message on this machine, for a check whose answer never changes.
  The action server's answer itself takes 0.2 ms to validate.
- about 12 %: ``COMMIT`` on the SQLite tracker store, each an fsync in SQLite's default
  rollback-journal mode, and Rasa's SQLTrackerStore commits once a message.
- with that gone, opening and closing SQLite connections (about 15 %): SQLAlchemy 1.4
  gives file SQLite a ``NullPool``, so the tracker store opens a new connection to read
  the tracker and another to save it, and a WAL database is checkpointed (synced) at
  every last close. A pool keeps them open, as SQLAlchemy 2.0 does by default.
- about 17 %: the NLU parse (the same as bare Rasa; not touched here).

A third change is about failures, not time: Rasa wraps the tracker store in a
``FailSafeTrackerStore`` that, when the database is unreachable (a PostgreSQL restart),
answers from an empty conversation and saves into memory. The resident's earlier turns
(the remembered area) are then ignored and the new ones lost for good, silently — found by
``scripts/faults.py``. With :func:`_tracker_store_fails_loudly` the message fails instead:
the app answers with the apology and the ward's phone, and the resident sends it again a
moment later with the conversation intact.

The first two changes keep Rasa's behaviour: the action server's answer is validated against the
same schema with the same error (the best match, as ``jsonschema.validate`` raises), and
the tracker store keeps every event.

Kept out of Rasa's own files (the Rasa environment is installed from the lock file and
must stay a plain install) and out of :mod:`bot.nlu` (the model loads that; patching
there would be a hidden side effect of a tokenizer).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    """The validator of Rasa's action response schema, the schema checked once."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    # Rasa's own method with ``jsonschema.validate(result, schema)`` replaced by the
    # validator made once: ``validate`` is ``check_schema`` + ``best_match(iter_errors)``.
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


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


def _tracker_store_fails_loudly() -> None:
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
    """Patch the running Rasa; call before Rasa builds its tracker store."""
    import rasa.core.tracker_store as tracker_store
    from rasa.core.actions.action import RemoteAction
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _tracker_store_fails_loudly()
    tracker_store.create_engine_kwargs = _pooled_sqlite(tracker_store.create_engine_kwargs)

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            _sqlite_pragmas(dbapi_connection, record)

    # Every engine of this process: in Rasa only the SQL tracker store makes one.
    event.listen(Engine, "connect", on_connect)


def main() -> None:
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
