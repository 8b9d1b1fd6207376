"""The part of a lesson page that depends only on the course files, rendered once per
course version and language, then reused: lesson pages are the most visited pages.

Visitors with no progress of their own (most guests) all see the same whole page for one
course version, language and kind of viewer (see site_header.viewer_key), so that is kept
too, with the CSRF token taken out.

Entries are keyed by the course's content hash, so a re-import that changes anything is
never served stale; old entries fall out of the bounded LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

# Stands where each form's CSRF token goes; replaced per request, never cached for real.
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"
MAX_ENTRIES = 512


@dataclass(frozen=True)
class NavStep:
    kind: str  # "lesson" or "quiz"
    key: str
    title: str


@dataclass(frozen=True)
class LessonPage:
    course_id: int
    course_slug: str
    course_title: str  # in the language the page was rendered in
    course_language: str
    lesson_id: int
    lesson_key: str
    title: str
    article_html: str  # contains CSRF_PLACEHOLDER where tokens belong
    before: NavStep | None
    after: NavStep | None

    def html_with_token(self, token: str) -> str:
        return self.article_html.replace(CSRF_PLACEHOLDER, token)


class LessonPageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple) -> Any:
        with self._lock:
            page = self._entries.get(key)
            if page is not None:
                self._entries.move_to_end(key)
            return page

    def put(self, key: tuple, page: Any) -> None:
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


lesson_pages = LessonPageCache()  # LessonPage by content key
# Whole pages for a visitor with no progress, by content key and viewer key; the HTML holds
# CSRF_PLACEHOLDER where the visitor's own token goes.
shared_lesson_pages = LessonPageCache()


def clear_lesson_caches() -> None:
    lesson_pages.clear()
    shared_lesson_pages.clear()
