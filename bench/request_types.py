"""Request types of the course app by method and URL pattern, shared by bench/capacity.py (the
client's labels) and bench/timed_app.py (the server's), so both sides count the same things."""

from __future__ import annotations

import re

# (method, path pattern, request type): what a learner's browser asks for, in the app's URLs.
ROUTES = [
    ("GET", r"/", "catalogue"),
    ("GET", r"/courses/[^/]+", "course page"),
    ("GET", r"/courses/[^/]+/lessons/[^/]+", "lesson read"),
    ("POST", r"/courses/[^/]+/lessons/[^/]+/checks/[^/]+", "check answer"),
    ("POST", r"/courses/[^/]+/lessons/[^/]+/complete", "lesson done"),
    ("GET", r"/courses/[^/]+/quizzes/[^/]+", "quiz page"),
    ("POST", r"/courses/[^/]+/quizzes/[^/]+", "quiz submit"),
    ("GET", r"/courses/[^/]+/quizzes/[^/]+/attempts/\d+", "quiz result"),
    ("GET", r"/courses/[^/]+/certificate", "claim page"),
    ("POST", r"/courses/[^/]+/certificate", "certificate claim"),
    ("GET", r"/certificates/[^/]+", "certificate page"),
    ("GET", r"/account/sign-in", "sign-in page"),
    ("GET", r"/account/sign-up", "sign-up page"),
    ("POST", r"/account/sign-up", "sign-up"),
]
_COMPILED = [(method, re.compile(pattern), name) for method, pattern, name in ROUTES]


def request_type(method: str, path: str) -> str:
    """The request type of a URL path (without its query string), or 'other METHOD'."""
    for route_method, pattern, name in _COMPILED:
        if route_method == method and pattern.fullmatch(path):
            return name
    return f"other {method}"
