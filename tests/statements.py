"""Listening to every statement the code runs on a database: on its engine and on the engine the reads beside a
session use (`db.engine.reader_engine`, a pool of its own)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from db.engine import get_engine, reader_engine


@contextmanager
def listening(url: str, listener: Callable[..., Any]) -> Iterator[None]:
    """`listener` as a `before_cursor_execute` hook of both engines of `url` inside the block."""
    engines = (get_engine(url), reader_engine(get_engine(url)))
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)


@contextmanager
def threads_running(url: str) -> Iterator[list[tuple[str, str]]]:
    """(thread name, statement) of every statement run on `url` inside the block."""
    seen: list[tuple[str, str]] = []

    def keep(_conn, _cursor, statement, *_args) -> None:
        seen.append((threading.current_thread().name, statement))

    with listening(url, keep):
        yield seen
