"""``rasa run`` with what a ward's bot does not need per message removed, and what a resident
must never see prevented; runs in the Rasa environment (Python 3.10).

    .venv/rasa/bin/python -m bot.rasa_launch run --model ... (any ``rasa`` arguments)

is ``rasa run ...`` after :func:`apply` (``bot.services`` starts Rasa this way). Each change
was found by profiling Rasa with py-spy under a steady stream of ``/api/chat`` messages, or
by ``scripts/measure/load.py`` and ``scripts/measure/faults.py``; docs/BENCHMARKS.md has
the figures. They are kept out of Rasa's own files (the Rasa environment is installed from
the lock file and must stay a plain install) and out of :mod:`bot.nlu` (the model loads
that; patching there would be a hidden side effect of a tokenizer).

Where Rasa 3.6 has a hook, the change is a class that Rasa loads by name from its
configuration, which ``bot.services`` writes (the endpoints file) or the project ships
(``credentials.yml``):

- :mod:`.tracker_store` (endpoints ``tracker_store: type:``): the SQL tracker store with a
  connection pool, SQLite in WAL mode, no ``COUNT`` query per save, and conversations read
  from memory in the embedded profile.
- :mod:`.lock_store` (endpoints ``lock_store: type:``): a waiting message re-checks its
  conversation's lock many times a second instead of once.
- :mod:`.rest_channel` (a custom channel in ``credentials.yml``): the REST channel answers
  nothing for a turn it could not save.

Where Rasa has none, :func:`apply` patches Rasa at start-up; each module says why no hook
exists:

- :mod:`.actions`: the action server's answer validated by a validator made once
  (``jsonschema.validate`` re-checked the constant schema on every call).
- :mod:`.action_servers`: with several action servers (production), the action calls spread
  over them, and a call that one refuses goes to the next.
- :mod:`.fail_safe`: errors of the tracker store fail the message instead of answering from
  an empty conversation.
- :mod:`.parse_cache`: a text the NLU has read before is not read again (same model, same
  text, same intent and entities); residents ask the same things in the same words.

Each patch, and each Rasa helper a hook class relies on, is checked first
(:mod:`.patching`): a Rasa whose function takes other parameters, or lacks it, stops at
start-up with a message that names the patch and what changed. Each keeps what Rasa does
(same events stored, same validation errors, same lock order); what changes is only how
long it takes, that a failure is shown as one, or which action server runs an action.
"""

from __future__ import annotations

import sys


def apply() -> None:
    """Check what the patches and hook classes rely on, then patch the running Rasa; call
    before Rasa builds its agent and tracker store."""
    from bot.rasa_launch import (
        action_servers,
        actions,
        fail_safe,
        lock_store,
        parse_cache,
        tracker_store,
    )

    lock_store.check()
    tracker_store.check()
    actions.apply()
    action_servers.apply()
    fail_safe.apply()
    parse_cache.apply()


def main() -> None:
    from bot.rasa_launch.patching import RasaChangedError

    try:
        apply()
    except RasaChangedError as error:
        sys.exit(f"bot.rasa_launch: Rasa not started: {error}")
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
