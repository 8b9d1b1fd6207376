"""Addresses: what a request may carry before any view sees it (numbers a database id can
be; no NUL characters, which PostgreSQL's text cannot hold and SQLite's can, so both databases
refuse them alike, here), and static files' addresses carrying their content's hash (?v=), so
nginx and browsers keep them for a year and still fetch a new one after an upgrade."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL's integer, the type of every id column; SQLite's are wider, Python's unbounded.
DATABASE_INT_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` up to DATABASE_INT_MAX: a longer number is a 404, not an overflow error
    from the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def _static_version(app: Flask, filename: str) -> str | None:
    versions = app.extensions.setdefault("static_versions", {})
    if filename not in versions:
        path = Path(app.static_folder or "") / filename
        try:
            versions[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            versions[filename] = None
    return versions[filename]


def init_routing(app: Flask) -> None:
    """Before any blueprint: rules take their converters when they are added."""
    app.url_map.converters["int"] = DatabaseIdConverter

    @app.url_defaults
    def static_file_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.before_request
    def refuse_nul_characters():
        if "\x00" in request.path or _has_nul(request.args.items(multi=True)):
            abort(400)
        if request.method == "POST" and _has_nul(request.form.items(multi=True)):
            abort(400)
