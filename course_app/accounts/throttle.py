"""Counting attempts (wrong passwords, sign-ups, join codes) in storage every worker shares.

A limit such as "10 per minute;50 per hour" is a moving window: once that many hits fall in
the window, the key waits until the oldest of them leaves it. Only what the caller records
counts (a wrong password, not a correct one), so a computer lab behind one address is never
stopped by its own sign-ins.

Where: Redis (or any store the `limits` library knows) when RATELIMIT_STORAGE_URI names one;
otherwise the database, never one worker's memory, so two workers see the same counts.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select

from course_app.accounts.models import ThrottleHit
from course_app.db import utc_now
from course_app.extensions import db


class DatabaseHits:
    """Hits as rows: works on any database the app runs on, shared by all workers."""

    def wait_seconds(self, key: str, items: list[RateLimitItem]) -> int:
        now = utc_now()
        wait = 0.0
        for item in items:
            window = timedelta(seconds=item.get_expiry())
            recent = db.session.scalars(
                select(ThrottleHit.at)
                .where(ThrottleHit.key == key, ThrottleHit.at > now - window)
                .order_by(ThrottleHit.at.desc())
                .limit(item.amount)
            ).all()
            if len(recent) >= item.amount:
                wait = max(wait, (recent[-1] + window - now).total_seconds())
        return _whole_seconds(wait)

    def hit(self, key: str, items: list[RateLimitItem]) -> None:
        now = utc_now()
        longest = timedelta(seconds=max(item.get_expiry() for item in items))
        db.session.execute(
            delete(ThrottleHit).where(ThrottleHit.key == key, ThrottleHit.at <= now - longest)
        )
        db.session.add(ThrottleHit(key=key, at=now))
        db.session.flush()

    def clear(self, key: str, items: list[RateLimitItem]) -> None:
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.key == key))


class SharedStoreHits:
    """Hits in Redis (or memcached, ...) through the `limits` library's moving window. While
    the store cannot be reached, the database counts instead (still shared by all workers),
    so sign-in keeps working and keeps being limited."""

    def __init__(self, uri: str) -> None:
        self.storage = storage_from_string(uri)
        self.window = MovingWindowRateLimiter(self.storage)
        self.fallback = DatabaseHits()

    def wait_seconds(self, key: str, items: list[RateLimitItem]) -> int:
        try:
            wait = 0.0
            for item in items:
                if not self.window.test(item, "throttle", key):
                    reset = self.window.get_window_stats(item, "throttle", key).reset_time
                    wait = max(wait, reset - time.time())
            return _whole_seconds(wait)
        except Exception:  # noqa: BLE001 - any store failure: count in the database instead
            _store_down()
            return self.fallback.wait_seconds(key, items)

    def hit(self, key: str, items: list[RateLimitItem]) -> None:
        try:
            for item in items:
                self.window.hit(item, "throttle", key)
        except Exception:  # noqa: BLE001
            _store_down()
            self.fallback.hit(key, items)

    def clear(self, key: str, items: list[RateLimitItem]) -> None:
        self.fallback.clear(key, items)
        try:
            for item in items:
                self.window.clear(item, "throttle", key)
        except Exception:  # noqa: BLE001
            _store_down()


def _store_down() -> None:
    current_app.logger.warning("throttle store unreachable; counting in the database")


def _whole_seconds(seconds: float) -> int:
    return max(0, int(seconds + 0.999))


def _items(limit_text: str) -> list[RateLimitItem]:
    return list(parse_many(limit_text))


def _store() -> DatabaseHits | SharedStoreHits:
    return current_app.extensions["throttle"]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def wait_seconds(key: str, setting: str) -> int:
    """Seconds key must wait under the limit named by setting (0: go ahead)."""
    if not _enabled():
        return 0
    return _store().wait_seconds(key, _items(current_app.config[setting]))


def record_hit(key: str, setting: str) -> None:
    """Counts one attempt under key for the limit named by setting; the caller commits."""
    if _enabled():
        _store().hit(key, _items(current_app.config[setting]))


def clear_hits(key: str, setting: str) -> None:
    """Forgets key's hits (an account's wrong passwords once it signs in); the caller commits."""
    if _enabled():
        _store().clear(key, _items(current_app.config[setting]))


def init_throttle(app: Flask) -> None:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    shared = not uri.startswith("memory://")
    app.extensions["throttle"] = SharedStoreHits(uri) if shared else DatabaseHits()
