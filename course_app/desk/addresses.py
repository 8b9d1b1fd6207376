"""The web addresses printed on paper (sign-in cards, reset codes): from PUBLIC_BASE_URL when
it is set, so a card printed on a staff computer inside the library's network does not carry
an internal host name."""

from __future__ import annotations

from flask import current_app, url_for


def printed_address(endpoint: str) -> str:
    """The full address of the endpoint as a patron should type it."""
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if base:
        return base + url_for(endpoint)
    return url_for(endpoint, _external=True)
