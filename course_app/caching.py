"""The speed layer, in one place: caches of things made from course files, kept per app.

Every entry is keyed by the course's content hash (and the language it was made in), so a
re-import is never served stale and no cache ever needs clearing: old entries fall out of
the bounded LRU. The caches hang on `app.extensions["caches"]`; with `CONTENT_CACHE` off
(the default in debug mode, so an edited template shows at once) every lookup misses and
nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app

T = TypeVar("T")
MAX_ENTRIES = 512


class BoundedCache:
    """A thread-safe LRU of at most `max_entries` values."""

    def __init__(self, max_entries: int = MAX_ENTRIES, enabled: bool = True):
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self.enabled = enabled

    def get(self, key: tuple) -> Any:
        if not self.enabled:
            return None
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def get_or_make(self, key: tuple, make: Callable[[], T]) -> T:
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)


def cache(name: str) -> BoundedCache:
    """This app's cache called `name` (made on first use)."""
    caches: dict[str, BoundedCache] = current_app.extensions["caches"]
    found = caches.get(name)
    if found is None:
        with _lock:
            found = caches.setdefault(
                name, BoundedCache(enabled=current_app.config["CONTENT_CACHE"])
            )
    return found


_lock = threading.Lock()


def init_caching(app: Flask) -> None:
    if app.config.get("CONTENT_CACHE") is None:
        app.config["CONTENT_CACHE"] = not app.debug
    app.extensions["caches"] = {}
