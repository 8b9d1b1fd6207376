"""Checking the links in course files: dead ones and ones that moved, with file and line.

Run by hand where the internet is reachable (`flask courses check-links`), never in CI.
Each address is fetched once however often it appears, with a timeout, and one host is
asked at most once every `delay` seconds so we stay polite to small sites. Standard library
only: a few HEAD and GET requests do not need another dependency.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

USER_AGENT = "library-course-link-check/1.0 (+checks the sources cited in course files)"
MAX_REDIRECTS = 5
PERMANENT = (301, 308)
TEMPORARY = (302, 303, 307)
# Some servers refuse HEAD; ask again with GET before calling a link dead.
RETRY_WITH_GET = (400, 403, 405, 501)
_URL = re.compile(r"https?://[^\s<>\"'`)\]]+")
_TRAILING = ".,;:!?*_"


@dataclass(frozen=True)
class Link:
    url: str
    file: str
    line: int


@dataclass(frozen=True)
class LinkResult:
    """ok, moved (a permanent redirect: `location` is where it went) or dead."""

    url: str
    state: str
    detail: str = ""
    location: str = ""


def find_links(path: Path) -> list[Link]:
    """Every http(s) address in the .md and .yml files under path, with file and line."""
    files = (
        [path]
        if path.is_file()
        else sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix in (".md", ".yml", ".yaml")
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    )
    links = []
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.split("\n"), start=1):
            for match in _URL.finditer(line):
                links.append(Link(match.group(0).rstrip(_TRAILING), str(file), number))
    return links


class Pacer:
    """Waits so that one host is asked at most once every `delay` seconds."""

    def __init__(
        self,
        delay: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self.last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        if host in self.last:
            wait = self.last[host] + self.delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.last[host] = self.clock()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # we follow redirects ourselves, to tell moved from temporary


_opener = urllib.request.build_opener(_NoRedirect)


def _request(url: str, method: str, timeout: float) -> tuple[int, str, str]:
    """(status, reason, Location header) of one request; errors as exceptions."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not a web address: {url}")  # a redirect may point anywhere
    request = urllib.request.Request(  # noqa: S310 (only http and https, checked above)
        url, method=method, headers={"User-Agent": USER_AGENT}
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.reason, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, str(error.reason), error.headers.get("Location", "")


def _fetch(url: str, timeout: float, pacer: Pacer) -> tuple[int, str, str]:
    pacer.wait(url)
    status, reason, location = _request(url, "HEAD", timeout)
    if status in RETRY_WITH_GET:
        pacer.wait(url)
        status, reason, location = _request(url, "GET", timeout)
    return status, reason, location


def check_url(url: str, timeout: float, pacer: Pacer) -> LinkResult:
    """Where one address leads: ok, moved (permanently, to where) or dead (and why)."""
    current, moved_to = url, ""
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, reason, location = _fetch(current, timeout, pacer)
            if status in PERMANENT + TEMPORARY and location:
                following = urljoin(current, location)
                if status in PERMANENT and current == url:
                    moved_to = following
                current = following
                continue
            if status >= 400:
                return LinkResult(url, "dead", f"{status} {reason}".strip())
            if moved_to:
                return LinkResult(url, "moved", f"{PERMANENT[0]} moved permanently", current)
            return LinkResult(url, "ok")
        return LinkResult(url, "dead", f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        return LinkResult(url, "dead", f"no answer within {timeout:g} seconds")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return LinkResult(url, "dead", f"no answer within {timeout:g} seconds")
        return LinkResult(url, "dead", f"cannot connect: {reason}")
    except (OSError, ValueError) as error:
        return LinkResult(url, "dead", f"cannot connect: {error}")


def check_links(links: list[Link], timeout: float, pacer: Pacer) -> list[tuple[Link, LinkResult]]:
    """Each link with its result; each address is fetched once, in the order first seen."""
    results: dict[str, LinkResult] = {}
    for link in links:
        if link.url not in results:
            results[link.url] = check_url(link.url, timeout, pacer)
    return [(link, results[link.url]) for link in links]
