"""The interface is complete in Spanish: every string in the code has a translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ROOT / "course_app" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every UI string in the code and templates now, extracted as `make messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def spanish():
    with SPANISH.open("rb") as handle:
        return read_po(handle, locale="es")


def _strings(message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [value]


def test_the_extraction_finds_the_interface(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert "Free courses" in ids and "Glossary" in ids


def test_every_ui_string_has_a_spanish_translation(extracted, spanish):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = spanish.get(message.id)
        if translated is None or translated.fuzzy or not all(_strings(translated)):
            missing.append(message.id)
    assert not missing, f"no Spanish for {len(missing)} string(s) (run `make messages`): {missing}"


def test_translations_keep_every_placeholder(spanish):
    wrong = []
    for message in spanish:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in _strings(message):
            if sorted(PLACEHOLDER.findall(text)) != expected and not (
                len(ids) > 1 and "%(num)d" not in text and expected == ["%(num)d"]
            ):
                wrong.append((message.id, text))
    assert not wrong, wrong


def test_pages_in_spanish_are_in_spanish(client, sample_course):
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Free courses" not in page
    overview = client.get(f"/courses/{sample_course}", headers={"Accept-Language": "es"})
    assert "What is in this course" not in overview.get_data(as_text=True)
