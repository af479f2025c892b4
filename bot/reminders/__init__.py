"""LINE reminders the evening before a collection day (issue #15).

A LINE friend asks for them in the conversation (``actions/reminders.py``), which stores a
subscription (:mod:`.subscriptions`); the evening before each of their collection days
(:mod:`.due`) they get one push naming the categories, sent exactly once
(:mod:`.sender`), by the app at the time staff set (:mod:`.timer`) or by
``nakano-bot reminders send``.
"""
