"""Picture files for lessons, named by their content hash, so cached for a year."""

from __future__ import annotations

import io

from flask import Blueprint, abort, send_file
from sqlalchemy import select

from course_app.content.models import MediaFile
from course_app.extensions import db

bp = Blueprint("media", __name__)

YEAR = 365 * 24 * 3600
# An SVG opened on its own is a document: it may draw, never run or fetch anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/media/<name>")
def media_file(name: str):
    media = db.session.scalar(select(MediaFile).where(MediaFile.name == name))
    if media is None:
        abort(404)
    # send_file answers Range requests, so a recording can be skipped through.
    response = send_file(
        io.BytesIO(media.data),
        mimetype=media.content_type,
        etag=media.name,
        conditional=True,
        max_age=YEAR,
        last_modified=media.created_at,
    )
    # The name changes whenever the bytes do, so the file at this address never changes.
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    if media.content_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
