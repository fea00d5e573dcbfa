"""Work in a thread beside the sync: reading the source ahead, writing to the store behind."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator


def prefetch(items: Iterable, depth: int = 2) -> Iterator:
    """Start iterating over `items` now, in a worker thread, up to `depth` items ahead.

    The sync starts reading entries this way before it writes customers: the ODBC driver
    releases the GIL while the server works, so reading the source overlaps with the rest.
    An error in the worker is raised in the caller's thread when it reaches that item.
    """
    box: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put((item, None))
        except BaseException as exc:  # handed over to the caller
            box.put((None, exc))
            return
        box.put((done, None))

    worker = threading.Thread(target=work, name="sync-prefetch", daemon=True)
    worker.start()

    def drain() -> Iterator:
        try:
            while True:
                item, error = box.get()
                if error is not None:
                    raise error
                if item is done:
                    return
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                try:
                    box.get_nowait()
                except queue.Empty:
                    worker.join(0.05)

    return drain()


class BackgroundWork:
    """Runs submitted calls one after the other in a worker thread; `wait` re-raises errors."""

    def __init__(self, depth: int = 2) -> None:
        self._calls: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while (call := self._calls.get()) is not None:
            if self._error is None:
                try:
                    call[0](*call[1:])
                except BaseException as exc:  # re-raised by wait()
                    self._error = exc

    def submit(self, fn, *args: object) -> None:  # noqa: ANN001
        """Queue `fn(*args)`; blocks while `depth` calls are already waiting."""
        if self._error is not None:
            raise self._error
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync-writer", daemon=True)
            self._thread.start()
        self._calls.put((fn, *args))

    def wait(self) -> None:
        """Wait for every submitted call to end; raise the first error one of them raised."""
        if self._thread is not None:
            self._calls.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
