"""Reading pages ahead in threads: several page sources at once into one bounded queue (memory stays small),
errors raised in the consumer, every reader stopped when the consumer stops."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any


def prefetch(pages: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """Read the next pages from Meta in a thread while the current one is written (memory: `depth` pages)."""
    with Prefetch([pages], depth) as reader:
        yield from reader


class Prefetch:
    """Several page sources read at once, each in a thread of its own (started right away), into one
    queue (memory: `depth` pages plus one page in flight per source); pages come out as they arrive.
    A reader's error stops every reader and is raised in the consumer; `close()` (or leaving the `with`
    block) stops them too."""

    def __init__(self, sources: list[Iterator[Any]], depth: int = 2) -> None:
        self._box: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = object()
        self._running = len(sources)
        self._workers = [
            threading.Thread(target=self._produce, args=(pages,), daemon=True, name=f"meta-prefetch-{n}")
            for n, pages in enumerate(sources)
        ]
        for worker in self._workers:
            worker.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._box.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, pages: Iterator[Any]) -> None:
        try:
            for page in pages:
                if not self._put(page):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
            return
        self._put(self._done)

    def __iter__(self) -> Iterator[Any]:
        while self._running:
            item = self._box.get()
            if item is self._done:
                self._running -= 1
                continue
            if isinstance(item, BaseException):
                self.close()
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=5)

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
