"""The job queue: work that must not hold up a request (mail today; learning-record
statements, report rebuilds, exports and the privacy purge send theirs through it too).

One huey instance for the process; create_app decides where its jobs are kept:
- JOBS_REDIS_URL set: Redis, shared by every app server and worker of a network;
- otherwise a SQLite file (JOBS_SQLITE_PATH, instance/jobs.db by default), so `make run`
  needs nothing else and queued jobs survive a restart;
- JOBS_IMMEDIATE (the tests): a job runs inline when it is queued, and its failure is
  recorded as a worker's would be.

A job is a plain function decorated with `@job(...)`: it runs in an app context of its own
(its own database session), is retried with growing delays when it raises, and once its
retries are spent it is listed by `flask jobs list`. `@periodic_job(daily_at("SETTING"))`
makes one the worker queues by itself every day at the time a setting gives (the privacy
purge); `flask jobs list` shows those schedules too.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup
from huey import Huey
from huey.signals import SIGNAL_ERROR
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

QUEUE_NAME = "course_app"
FAILED_PREFIX = "failed:"


@dataclass(frozen=True)
class _Queue:
    storage: Any
    immediate: bool


class _AppHuey(Huey):
    """One huey for the process whose storage and immediate mode are the current app's
    (app.extensions["jobs"], a _Queue); outside any app context (a worker's threads) those of
    the app init_jobs saw last, which in a worker process is its only app. Tests hold an app's
    jobs back by giving it a _Queue with immediate=False."""

    @property
    def storage(self):
        queue = current_app.extensions.get("jobs") if has_app_context() else None
        return queue.storage if queue is not None else self._process_storage

    @storage.setter
    def storage(self, value) -> None:
        self._process_storage = value

    @property
    def _immediate(self) -> bool:
        queue = current_app.extensions.get("jobs") if has_app_context() else None
        return queue.immediate if queue is not None else self._process_immediate

    @_immediate.setter
    def _immediate(self, value: bool) -> None:  # Huey's __init__ and `immediate` setter
        self._process_immediate = value


# Memory until init_jobs: importing this module connects to nothing.
huey = _AppHuey(QUEUE_NAME, results=True, utc=True, storage_class=MemoryStorage)
huey.immediate_use_memory = False  # init_jobs chooses the storage, also in immediate mode


def init_jobs(app: Flask) -> None:
    """Give this app its queue storage, and let jobs find the app when a worker runs them;
    refuse to start with a daily job's time setting that is not a time."""
    config = app.config
    for schedule in _SCHEDULES.values():
        schedule.time_of_day(config)
    immediate = bool(config.get("JOBS_IMMEDIATE"))
    queue = _Queue(_storage(config, immediate), immediate)
    app.extensions["jobs"] = queue
    huey.storage, huey._immediate = queue.storage, queue.immediate
    _Worker.app = app


def _storage(config: dict, immediate: bool):
    if immediate:
        return MemoryStorage(QUEUE_NAME)
    if config.get("JOBS_REDIS_URL"):
        return RedisStorage(QUEUE_NAME, url=config["JOBS_REDIS_URL"])
    path = Path(config["JOBS_SQLITE_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage(QUEUE_NAME, filename=str(path))


class _Worker:
    """The app a worker process runs its jobs in (set by init_jobs; one app per worker)."""

    app: Flask | None = None


def job(
    *, retries: int = 5, retry_delay: int = 30, retry_backoff: float = 2.0
) -> Callable[[Callable[..., Any]], Any]:
    """A function that runs on the queue when called; with the defaults a failing job is
    tried again after 30 s, 1 min, 2 min, 4 min and 8 min, then listed as failed."""

    def decorate(fn: Callable[..., Any]) -> Any:
        return huey.task(
            retries=retries,
            retry_delay=retry_delay,
            retry_backoff=retry_backoff,
            name=f"{fn.__module__}.{fn.__name__}",
        )(_in_app_context(fn))

    return decorate


def _job_app() -> Flask | None:
    return current_app._get_current_object() if has_app_context() else _Worker.app


def _in_app_context(fn: Callable[..., Any]) -> Callable[..., Any]:
    """FN run in an app context of its own (its own session, never the caller's)."""

    @functools.wraps(fn)
    def in_app_context(*args: Any, **kwargs: Any) -> Any:
        app = _job_app()
        if app is None:
            raise RuntimeError("a job ran before init_jobs (no app to run it in)")
        with app.app_context():
            return fn(*args, **kwargs)

    return in_app_context


@dataclass(frozen=True)
class daily_at:  # noqa: N801 (used as a decorator argument, read as a phrase)
    """A periodic job's schedule: every day at the time SETTING gives (HH:MM, 24-hour, the
    server's local time zone); never while the setting is empty."""

    setting: str

    def time_of_day(self, config: dict) -> tuple[int, int] | None:
        """(hour, minute), or None when off; ValueError with the setting's name otherwise."""
        value = str(config.get(self.setting) or "").strip()
        if not value:
            return None
        hour, _, minute = value.partition(":")
        if hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
            return int(hour), int(minute)
        raise ValueError(
            f"{self.setting} must be a time of day as HH:MM (24-hour, the server's time zone), "
            f"or empty to turn the job off; it is {value!r}"
        )

    def __call__(self, now: datetime) -> bool:
        """Huey's check, once a minute, with the time in UTC (huey runs with utc=True)."""
        app = _job_app()
        at = self.time_of_day(app.config) if app is not None else None
        if at is None:
            return False
        local = now.replace(tzinfo=UTC).astimezone()
        return (local.hour, local.minute) == at

    def describe(self, config: dict) -> str:
        at = self.time_of_day(config)
        if at is None:
            return f"off ({self.setting} is empty)"
        return f"daily at {at[0]:02d}:{at[1]:02d} server time ({self.setting})"


_SCHEDULES: dict[str, daily_at] = {}  # periodic job name -> its schedule


def periodic_job(
    schedule: daily_at, *, retries: int = 3, retry_delay: int = 300
) -> Callable[[Callable[[], Any]], Any]:
    """A function the worker queues by itself when the schedule says (every worker checks
    once a minute; with several workers on one Redis each queues it, so it must be
    idempotent); it runs in an app context of its own and is retried like any job."""

    def decorate(fn: Callable[[], Any]) -> Any:
        name = f"{fn.__module__}.{fn.__name__}"
        _SCHEDULES[name] = schedule
        return huey.periodic_task(schedule, retries=retries, retry_delay=retry_delay, name=name)(
            _in_app_context(fn)
        )

    return decorate


def periodic_jobs(config: dict) -> list[tuple[str, str]]:
    """(name, when it runs) of every periodic job, in name order."""
    return sorted((name, schedule.describe(config)) for name, schedule in _SCHEDULES.items())


@huey.signal(SIGNAL_ERROR)
def _remember_failure(signal_name: str, task: Any, exc: BaseException | None = None) -> None:
    """A job whose last try failed is kept for `flask jobs list` (its arguments are not:
    they may hold addresses and codes)."""
    if task.retries:
        return
    huey.put(
        FAILED_PREFIX + task.id,
        {
            "name": task.name,
            "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "error": f"{type(exc).__name__}: {exc}" if exc is not None else "unknown",
        },
    )


@dataclass(frozen=True)
class JobRow:
    state: str  # "pending", "waiting to retry" or "failed"
    id: str
    name: str
    when: str  # when it runs again, or when it failed
    error: str = ""


def queued_jobs() -> list[JobRow]:
    """Every job not yet done: queued, waiting for a retry, or failed for good."""
    rows = [JobRow("pending", t.id, t.name, "now") for t in huey.pending()]
    rows += [
        JobRow("waiting to retry", t.id, t.name, t.eta.isoformat(timespec="seconds") + "Z")
        for t in huey.scheduled()
    ]
    for key, raw in huey.all_results().items():
        if isinstance(key, bytes):
            key = key.decode()
        if key.startswith(FAILED_PREFIX):
            failure = huey.serializer.deserialize(raw)
            rows.append(
                JobRow(
                    "failed",
                    key[len(FAILED_PREFIX) :],
                    failure["name"],
                    failure["failed_at"],
                    failure["error"],
                )
            )
    return rows


def queue_depth() -> int:
    """Jobs waiting to run now or to be retried (for /metrics and monitoring)."""
    return huey.pending_count() + huey.scheduled_count()


jobs_cli = AppGroup("jobs", help="The job queue: list jobs, run a worker.")


@jobs_cli.command("list")
def list_command() -> None:
    """Periodic jobs and when they run, pending jobs, jobs waiting to be retried, and jobs
    that failed for good."""
    _echo_periodic()
    rows = queued_jobs()
    if not rows:
        click.echo("No jobs waiting and none failed.")
        return
    for row in rows:
        line = f"{row.state:<17} {row.when:<26} {row.name}  [{row.id}]"
        click.echo(line + (f"  {row.error}" if row.error else ""))
    failed = sum(1 for row in rows if row.state == "failed")
    click.echo(f"{len(rows) - failed} waiting, {failed} failed.")


def _echo_periodic() -> None:
    for name, when in periodic_jobs(current_app.config):
        click.echo(f"{'periodic':<17} {when:<26} {name}")


@jobs_cli.command("forget-failed")
def forget_failed_command() -> None:
    """Clear the list of failed jobs (after reading it)."""
    count = 0
    for row in queued_jobs():
        if row.state == "failed":
            huey.delete(FAILED_PREFIX + row.id)
            count += 1
    click.echo(f"{count} failed job(s) forgotten.")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--stop-with-parent",
    is_flag=True,
    help="Stop when the process that started this one ends (used by `make run`).",
)
def worker_command(workers: int, stop_with_parent: bool) -> None:
    """Run queued jobs until stopped (SIGTERM or Ctrl+C finish the running job first)."""
    if huey.immediate:
        raise click.UsageError("JOBS_IMMEDIATE is on: jobs run inline, there is nothing to work.")
    if stop_with_parent:
        _stop_when_orphaned(os.getppid())
    consumer = huey.create_consumer(workers=workers, worker_type="thread", graceful_signal="TERM")
    consumer.run()


def _stop_when_orphaned(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
