"""``rasa run`` with what a ward's bot does not need per message removed, and what a resident
must never see prevented; runs in the Rasa environment (Python 3.10).

    .venv/rasa/bin/python -m bot.rasa_launch run --model ... (any ``rasa`` arguments)

is ``rasa run ...`` after :func:`apply` (``bot.services`` starts Rasa this way). Each change
was found by profiling Rasa with py-spy under a steady stream of ``/api/chat`` messages, or
by ``scripts/load.py`` and ``scripts/faults.py``; docs/BENCHMARKS.md has the
figures. They are kept out of Rasa's own files (the Rasa environment is installed from the
lock file and must stay a plain install) and out of :mod:`bot.nlu` (the model loads that;
patching there would be a hidden side effect of a tokenizer):

- :mod:`.actions`: the action server's answer validated by a validator made once
  (``jsonschema.validate`` re-checked the constant schema on every call: 35 % of Rasa's time).
- :mod:`.action_servers`: with several action servers (production), the action calls spread
  over them, and a call that one refuses goes to the next.
- :mod:`.tracker_store`: the SQL tracker store with a connection pool, SQLite in WAL mode,
  no ``COUNT`` query per save, conversations read from memory in the embedded profile, and
  errors that fail the message instead of answering from an empty conversation.
- :mod:`.parse_cache`: a text the NLU has read before is not read again (same model, same
  text, same intent and entities); residents ask the same things in the same words.
- :mod:`.conversations`: a waiting message re-checks its conversation's lock every 20 ms
  instead of every second, and the REST channel answers nothing for a turn it could not save.

Each keeps what Rasa does (same events stored, same validation errors, same lock order); what
changes is only how long it takes, that a failure is shown as one, or which action server
runs an action.
"""

from __future__ import annotations

import sys


def apply() -> None:
    """Patch the running Rasa; call before Rasa builds its agent and tracker store."""
    from bot.rasa_launch import action_servers, actions, conversations, parse_cache, tracker_store

    actions.apply()
    action_servers.apply()
    tracker_store.apply()
    conversations.apply()
    parse_cache.apply()


def main() -> None:
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
