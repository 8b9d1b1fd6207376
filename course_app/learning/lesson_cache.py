"""The part of a lesson page that depends only on the course files, rendered once per
course version and language, then reused: lesson pages are the most visited pages.

Visitors with no progress of their own (most guests) all see the same whole page for one
course version, language and kind of viewer (see site_header.viewer_key), so that is kept
too, with the CSRF token taken out.

Entries are keyed by the course's content hash, so a re-import that changes anything is
never served stale (see caching.py).
"""

from __future__ import annotations

from dataclasses import dataclass

# Stands where each form's CSRF token goes; replaced per request, never cached for real.
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"


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


# Names of the caches (see caching.py): LessonPage by content key; and whole pages for a
# visitor with no progress, by content key and viewer key, with CSRF_PLACEHOLDER where the
# visitor's own token goes.
LESSON_PAGES = "lesson-pages"
SHARED_LESSON_PAGES = "shared-lesson-pages"
