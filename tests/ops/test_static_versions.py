"""Static files are linked with their content's hash, so a proxy may keep them for a year."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import ROOT


def test_pages_link_the_stylesheet_with_its_content_hash(client):
    html = client.get("/").get_data(as_text=True)
    digest = hashlib.sha256((ROOT / "course_app/static/site.css").read_bytes()).hexdigest()[:12]
    assert re.search(rf'href="/static/site.css\?v={digest}"', html)
    assert client.get(f"/static/site.css?v={digest}").status_code == 200
