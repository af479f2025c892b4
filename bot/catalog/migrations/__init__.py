"""Alembic migrations of the catalog database (``alembic.ini``, ``env.py``, ``versions/``).

Kept inside the package so that :func:`bot.catalog.db.create_schema` and
``nakano-bot db upgrade`` find them from any working directory. To add a migration after
changing :mod:`bot.catalog.models`::

    NAKANO_BOT_DATABASE_URL=sqlite:///var/empty.sqlite3 \\
        .venv/app/bin/nakano-bot db upgrade
    NAKANO_BOT_DATABASE_URL=sqlite:///var/empty.sqlite3 \\
        .venv/app/bin/alembic -c bot/catalog/migrations/alembic.ini \\
        revision --autogenerate -m "what changed"

then read the new file in ``versions/`` and correct it by hand (autogenerate does not see
renames, and data has to be moved by hand). ``tests/test_migrations.py`` fails while the
models and the migrations disagree.
"""
