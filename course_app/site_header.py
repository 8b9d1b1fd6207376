"""The site header (brand, navigation, language switch, public-computer bar), rendered once per
language, role and public-computer flag, then reused: every page has it, and rendering it
cost more than the rest of a cached lesson page.

Only two things in it differ from one request to the next, and they are slots filled on each
use: the CSRF token (per visitor) and the path the language switch returns to. The template
sees nothing but the variables in the cache key, so nothing about one person can be kept
and shown to another.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import get_locale, ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from course_app.caching import cache
from course_app.signing import csrf_token

TEMPLATE = "_site_header.html"
CSRF_SLOT = "__site_header_csrf_slot__"
PATH_SLOT = "__site_header_path_slot__"


def _render(language: str, role: str | None, public_computer: bool) -> str:
    template = current_app.jinja_env.get_template(TEMPLATE)
    # Rendered without the request's template context: only these variables are visible.
    return template.render(
        language=language,
        role=role,
        public_computer=public_computer,
        idle_time_words=idle_time_words,
        csrf_slot=CSRF_SLOT,  # letters and underscores: unchanged by escaping
        path_slot=PATH_SLOT,
    )


def viewer_key() -> tuple:
    """Everything about this request that the site header depends on, as a cache key."""
    return (
        str(get_locale() or "en"),
        current_user.role if current_user.is_authenticated else None,
        g.get("public_computer") is not None,
        request.script_root,
    )


def site_header() -> Markup:
    """This request's header: the cached one for its viewer, with its own token and path."""
    key = viewer_key()
    language, role, public_computer, _script_root = key
    html = cache("site-headers").get_or_make(key, lambda: _render(language, role, public_computer))
    path = request.full_path if request.query_string else request.path
    return Markup(  # noqa: S704 - our own template; the path and token are escaped here
        html.replace(CSRF_SLOT, escape(csrf_token())).replace(PATH_SLOT, escape(path))
    )


def init_site_header(app: Flask) -> None:
    app.jinja_env.globals["site_header"] = site_header


def idle_time_words(seconds: int) -> str:
    """A time in words for the pages: whole minutes, or seconds when a test shortens it."""
    if seconds % 60 == 0:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    return ngettext("%(num)d second", "%(num)d seconds", seconds)
