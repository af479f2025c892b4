"""Real SQLite catalogs of the shipped data, made once per test run and copied per test."""

from __future__ import annotations

import atexit
import contextlib
import functools
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.catalog.importer import CatalogFiles, import_into
from bot.settings import ROOT


@functools.cache
def _shipped_catalog() -> Path:
    """The shipped data imported once per test run (an import takes seconds), in a folder
    removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="nakano-catalog-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "catalog.sqlite3"
    import_into(f"sqlite:///{path}", CatalogFiles.shipped(ROOT / "data"))
    return path


def make_catalog(path: Path, prepared: Callable[[str], None] | None = None) -> str:
    """A SQLite catalog at ``path`` with the shipped data imported, and what ``prepared``
    writes into a catalog (staff accounts, say); its URL. A copy of one such catalog per
    test run and ``prepared`` (hashing a password takes a quarter of a second), taken with
    SQLite's backup, so that what is still in the write-ahead log is copied too."""
    source_path = _shipped_catalog() if prepared is None else _prepared_catalog(prepared)
    with (
        contextlib.closing(sqlite3.connect(source_path)) as source,
        contextlib.closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    return f"sqlite:///{path}"


@functools.cache
def _prepared_catalog(prepared: Callable[[str], None]) -> Path:
    """The shipped catalog with what ``prepared`` writes, once per test run."""
    folder = Path(tempfile.mkdtemp(prefix="nakano-catalog-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "catalog.sqlite3"
    prepared(make_catalog(path))
    return path
