"""Reading-level measures: offline, ordered the way readers find texts, and safe in threads."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import nltk
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.content import readability
from course_app.content.readability import (
    fernandez_huerta,
    flesch_kincaid_grade,
    is_harder,
    measure,
    median,
)

EASY_EN = "The cat sat on the mat. It was warm. The dog ran to the cat."
MIDDLE_EN = (
    "Your genes come from your parents, and they help decide many things about your body "
    "and your health."
)
HARD_EN = (
    "Pharmacogenomic characterization of heterogeneous populations necessitates comprehensive "
    "methodological consideration of environmental determinants and socioeconomic "
    "circumstances influencing therapeutic effectiveness."
)
EASY_ES = "El gato come. El perro corre. La casa es grande."
MIDDLE_ES = "Sus genes vienen de sus padres y ayudan a decidir muchas cosas sobre su cuerpo."
HARD_ES = (
    "La caracterización farmacogenómica de poblaciones heterogéneas necesita consideraciones "
    "metodológicas exhaustivas sobre determinantes ambientales y circunstancias "
    "socioeconomicas que condicionan la efectividad terapéutica."
)


def test_scores_need_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in a readability test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    readability._english_dictionary.cache_clear()  # load the dictionary again, offline
    # Words no other test measures, so nothing comes from textstat's caches.
    english = "Quixotic zephyrs bewildered the flabbergasted xylophonist near Walthamstow."
    spanish = "Los murciélagos desconcertados sobrevolaron Villaquilambre al atardecer."
    grade = flesch_kincaid_grade(english)
    ease = fernandez_huerta(spanish)
    assert isinstance(grade, float) and grade > 0
    assert isinstance(ease, float)


def test_english_grades_rise_with_longer_sentences_and_longer_words():
    grades = [flesch_kincaid_grade(text) for text in (EASY_EN, MIDDLE_EN, HARD_EN)]
    assert grades == sorted(grades) and len(set(grades)) == 3
    assert grades[0] <= 3 and grades[2] >= 16


def test_spanish_ease_falls_with_longer_sentences_and_longer_words():
    eases = [fernandez_huerta(text) for text in (EASY_ES, MIDDLE_ES, HARD_ES)]
    assert eases == sorted(eases, reverse=True) and len(set(eases)) == 3
    assert eases[0] >= 90 and eases[2] < 50


@pytest.mark.parametrize("text", ["", "   \n", "123 456.", "— … ! ?", "2026-11-01"])
def test_text_without_words_has_no_score(text):
    assert flesch_kincaid_grade(text) is None
    assert fernandez_huerta(text) is None
    assert measure(text, "en") is None and measure(text, "es") is None


def test_the_english_grade_is_never_below_zero():
    assert flesch_kincaid_grade("Go. Run. Sit. Eat.") == 0.0


@pytest.mark.parametrize("text", [EASY_EN, MIDDLE_EN, HARD_EN, EASY_ES, HARD_ES])
def test_scores_have_one_decimal(text):
    for score in (flesch_kincaid_grade(text), fernandez_huerta(text)):
        assert score == round(score, 1)


def test_each_language_gets_its_own_measure():
    assert measure(HARD_EN, "en") == flesch_kincaid_grade(HARD_EN)
    assert measure(HARD_ES, "es") == fernandez_huerta(HARD_ES)


@pytest.mark.parametrize(
    ("score", "language", "limit", "harder"),
    [
        (8.1, "en", 8.0, True),
        (8.0, "en", 8.0, False),
        (2.0, "en", 8.0, False),
        (69.9, "es", 70.0, True),
        (70.0, "es", 70.0, False),
        (95.0, "es", 70.0, False),
    ],
)
def test_grades_are_harder_above_the_limit_and_ease_below_it(score, language, limit, harder):
    assert is_harder(score, language, limit) is harder


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], None),
        ([None, None], None),
        ([4.0], 4.0),
        ([9.0, 1.0, 5.0], 5.0),
        ([1.0, 2.0, None, 9.0], 2.0),
        ([1.0, 2.25], 1.6),  # the middle of two, to one decimal
    ],
)
def test_median_skips_lessons_without_text(scores, expected):
    assert median(scores) == expected


@given(st.lists(st.floats(-50, 150) | st.none(), max_size=20))
def test_median_lies_between_the_lowest_and_highest_score(scores):
    values = [s for s in scores if s is not None]
    result = median(scores)
    if not values:
        assert result is None
    else:
        assert round(min(values), 1) - 0.05 <= result <= round(max(values), 1) + 0.05


def test_measures_in_both_languages_at_once_match_one_at_a_time():
    # textstat keeps its language in one module setting; the lock keeps threads apart.
    texts = [(EASY_EN, "en"), (HARD_ES, "es"), (HARD_EN, "en"), (EASY_ES, "es")] * 10
    expected = [measure(text, language) for text, language in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda pair: measure(*pair), texts))
    assert found == expected
