"""Question types: one registry covers the course guide; each type's grading, with properties;
a type added to the registry is used everywhere without other changes."""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import assume, given
from hypothesis import strategies as st
from wtforms import IntegerField
from wtforms.validators import InputRequired

from course_app.content.importer import import_courses
from course_app.content.loader import load_course
from course_app.content.models import Question
from course_app.content.question_types import (
    QUESTION_TYPES,
    InvalidResponse,
    QuestionType,
    UnknownQuestionType,
    Verdict,
    question_type,
)
from course_app.content.question_types.short_text import ShortText, normalise_text
from course_app.content.validator import check_course, validate_course
from course_app.demo.responses import plausible_responses
from course_app.extensions import db
from course_app.quizzes.grading import grade_response
from tests.content import TINY_FILES, write_course

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "course_app" / "templates"
CHOICE_TYPES = ("single", "true_false", "scenario", "multiple")


def test_the_registry_has_every_type_the_course_guide_describes():
    guide = (ROOT / "courses" / "README.md").read_text(encoding="utf-8")
    described = set(re.findall(r"^### `(\w+)`", guide, re.M))
    described |= set(re.findall(r"^\s*type: (\w+)", guide, re.M))
    assert described == set(QUESTION_TYPES)


@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_each_type_is_registered_under_its_name_with_templates_that_exist(name):
    kind = question_type(name)
    assert kind.name == name
    assert (TEMPLATES / kind.field_template).is_file()
    assert (TEMPLATES / kind.response_template).is_file()


def test_an_unknown_type_is_refused_by_name():
    with pytest.raises(UnknownQuestionType, match="essay"):
        question_type("essay")


# Question data as the importer stores it, for each type.

choice_ids = st.lists(
    st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), min_size=2, max_size=6, unique=True
)
words = st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=8), min_size=1, max_size=3)


def _choices(ids: list[str], right: list[bool]) -> dict:
    return {
        "choices": [
            {"id": i, "html": i, "correct": r, "feedback_html": ""}
            for i, r in zip(ids, right, strict=True)
        ]
    }


@st.composite
def one_right_choice(draw):
    ids = draw(choice_ids)
    right = draw(st.sampled_from(ids))
    return _choices(ids, [i == right for i in ids])


@st.composite
def some_right_choices(draw):
    ids = draw(choice_ids)
    right = draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
    assume(any(right))
    return _choices(ids, right)


QUESTION_DATA = {
    "single": one_right_choice(),
    "true_false": st.booleans().map(lambda right: _choices(["true", "false"], [right, not right])),
    "scenario": one_right_choice().map(lambda d: {"situation_html": "<p>Ana.</p>"} | d),
    "multiple": some_right_choices(),
    "short_text": st.lists(words.map(" ".join), min_size=1, max_size=3).map(
        lambda accepted: {"accepted": accepted}
    ),
    "ordering": choice_ids.map(lambda ids: {"items": [{"id": i, "html": i} for i in ids]}),
    "hotspot": one_right_choice().map(
        lambda d: {"picture": {"url": "/media/x.svg", "width": 10, "height": 10, "alt": "A"}} | d
    ),
    "form_practice": st.lists(
        st.tuples(st.lists(words.map(" ".join), min_size=1, max_size=3), st.booleans()),
        min_size=1,
        max_size=4,
    ).map(
        lambda boxes: {
            "fields": [
                {
                    "id": f"f{n}",
                    "label_html": f"Box {n}",
                    "accepted": accepted,
                    "exact": exact,
                    "feedback_correct_html": "",
                    "feedback_incorrect_html": "",
                }
                for n, (accepted, exact) in enumerate(boxes)
            ]
        }
    ),
}


def test_every_registered_type_has_data_for_the_properties_below():
    assert set(QUESTION_DATA) == set(QUESTION_TYPES)


@pytest.mark.parametrize("name", sorted(QUESTION_DATA))
@given(data=st.data())
def test_a_types_demo_right_answer_is_correct_and_its_wrong_ones_are_not(name, data):
    question = data.draw(QUESTION_DATA[name])
    kind = question_type(name)
    right, wrong = kind.demo_responses(question)
    assert kind.grade(question, right).correct
    for response in wrong:
        assert not kind.grade(question, response).correct


@pytest.mark.parametrize("name", CHOICE_TYPES)
@given(data=st.data())
def test_a_choice_that_is_not_in_the_question_is_refused(name, data):
    question = data.draw(QUESTION_DATA[name])
    ids = [c["id"] for c in question["choices"]]
    forged = data.draw(st.text(max_size=8).filter(lambda t: t not in ids))
    if name == "multiple":
        response = [*data.draw(st.lists(st.sampled_from(ids))), forged]
    else:
        response = forged
    with pytest.raises(InvalidResponse):
        question_type(name).grade(question, response)


@given(question=QUESTION_DATA["multiple"], data=st.data())
def test_multiple_is_right_for_the_right_set_in_any_order(question, data):
    wanted = [c["id"] for c in question["choices"] if c["correct"]]
    assert question_type("multiple").grade(question, data.draw(st.permutations(wanted))).correct


@given(question=QUESTION_DATA["ordering"], data=st.data())
def test_ordering_grades_every_shuffle_and_only_the_files_order_is_right(question, data):
    ids = [i["id"] for i in question["items"]]
    shuffled = list(data.draw(st.permutations(ids)))
    assert question_type("ordering").grade(question, shuffled).correct == (shuffled == ids)


@given(question=QUESTION_DATA["ordering"], data=st.data())
def test_ordering_needs_each_item_exactly_once(question, data):
    ids = [i["id"] for i in question["items"]]
    response = data.draw(st.lists(st.sampled_from([*ids, "not-an-item"]), max_size=len(ids) + 2))
    if sorted(response) == sorted(ids):
        assert question_type("ordering").grade(question, response).correct == (response == ids)
    else:
        with pytest.raises(InvalidResponse):
            question_type("ordering").grade(question, response)


def _disguised(word: str, styles: list[int]) -> str:
    """The word in other capitals and with accents: what learners type for the same answer."""
    ways = [str, str.upper, lambda c: c + "\u0301", lambda c: c.upper() + "\u0308"]
    letters = [ways[style](letter) for letter, style in zip(word, styles, strict=False)]
    return unicodedata.normalize("NFC", "".join(letters) + word[len(letters) :])


@given(answer=words, data=st.data())
def test_short_text_ignores_case_accents_and_punctuation(answer, data):
    punctuation = " -,.;:!?¿¡'\"()"
    separators = st.text(punctuation, min_size=1, max_size=3)
    typed = data.draw(st.text(punctuation, max_size=2))
    for n, word in enumerate(answer):
        styles = data.draw(st.lists(st.integers(0, 3), max_size=len(word)))
        typed += (data.draw(separators) if n else "") + _disguised(word, styles)
    typed += data.draw(st.text(punctuation, max_size=2))
    question = {"accepted": ["something else", " ".join(answer)]}
    assert question_type("short_text").grade(question, typed).correct


@given(accepted=words.map(" ".join), typed=st.text(min_size=1, max_size=20))
def test_short_text_is_wrong_for_any_other_words(accepted, typed):
    assume(normalise_text(typed) and normalise_text(typed) != normalise_text(accepted))
    assert not question_type("short_text").grade({"accepted": [accepted]}, typed).correct


# A type added to the registry, and nothing else, is used by every part of the app.


class Number(QuestionType):
    """Test only: type a whole number."""

    name = "number"
    required_fields = ("answer",)
    # Shown as a short_text is: its templates read `max_length` and `field_name`.
    field_template = ShortText.field_template
    response_template = ShortText.response_template
    max_length = 7

    def check(self, check, data, question):
        question.values["answer"] = check.integer(data, "answer", 0, 10**6, 0)

    def answer_shape(self, question):
        return (question.values.get("answer"),)

    def stored_data(self, question):
        return {"answer": question.values["answer"]}

    def form_fields(self, question):
        return {self.field_name(question): IntegerField(validators=[InputRequired()])}

    def grade(self, data, response):
        if isinstance(response, bool) or not isinstance(response, int):
            raise InvalidResponse("expected a whole number")
        return Verdict(response == data["answer"])

    def demo_responses(self, data):
        return data["answer"], [data["answer"] + 1]


@pytest.fixture
def number_type(monkeypatch):
    """The test-only type in the registry for one test; monkeypatch takes it out again."""
    monkeypatch.setitem(QUESTION_TYPES, Number.name, Number())
    return QUESTION_TYPES[Number.name]


NUMBER_QUIZ = (
    "key: quiz-one\ntitle: Quiz one\nquestions:\n"
    "  - key: quiz-number\n    type: number\n    prompt: How many days in a week?\n    answer: 7\n"
)
NUMBER_LESSON = TINY_FILES["m1/01-first.md"] + (
    "\n```check\nkey: check-number\ntype: number\nprompt: How many eyes do you have?\n"
    "answer: 2\n```\n"
)


def test_a_new_type_is_checked_in_course_files(tmp_path, number_type):
    folder = write_course(tmp_path, {"m1/quiz.yml": NUMBER_QUIZ})
    spec, problems = validate_course(load_course(folder))
    assert problems == []
    assert number_type.stored_data(spec.modules[0].quiz.questions[0]) == {"answer": 7}
    misspelt = NUMBER_QUIZ.replace("answer: 7", "answr: 7")
    folder = write_course(tmp_path, {"m1/quiz.yml": misspelt}, folder="misspelt")
    messages = [p.message for p in check_course(load_course(folder))]
    assert any("did you mean 'answer'" in m for m in messages), messages


def test_a_new_type_is_imported_asked_graded_and_shown_back(app, client, tmp_path, number_type):
    folder = write_course(tmp_path / "courses", {"m1/quiz.yml": NUMBER_QUIZ})
    (folder / "m1" / "01-first.md").write_text(NUMBER_LESSON, encoding="utf-8")
    with app.app_context():
        report = import_courses(tmp_path / "courses")
        assert report.ok, report.problems
        db.session.commit()
        ids = dict(db.session.execute(sa.select(Question.key, Question.id)).tuples().all())
        data = db.session.scalar(sa.select(Question.data).where(Question.key == "quiz-number"))
    assert data == {"answer": 7}

    quiz = "/courses/tiny-course/quizzes/quiz-one"
    page = client.get(quiz).get_data(as_text=True)
    assert f'name="q{ids["quiz-number"]}"' in page and 'maxlength="7"' in page
    token = re.search(r'name="submission_token" type="hidden" value="([\w-]{43})"', page)[1]
    answer = {"submission_token": token, f"q{ids['quiz-number']}": "7"}
    review = client.post(quiz, data=answer | {"action": "review"}).get_data(as_text=True)
    assert "“7”" in review
    submitted = client.post(quiz, data=answer | {"action": "submit"})
    assert submitted.status_code == 303
    result = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "You got 1 of 1 right" in result

    lesson = "/courses/tiny-course/lessons/first-lesson"
    assert f'name="check-number-q{ids["check-number"]}"' in client.get(lesson).get_data(
        as_text=True
    )
    checked = client.post(
        f"{lesson}/checks/check-number",
        data={f"check-number-q{ids['check-number']}": "3"},
        follow_redirects=True,
    )
    assert checked.status_code == 200 and "Not quite." in checked.get_data(as_text=True)

    assert grade_response("number", data, 7).correct
    assert plausible_responses("number", data).wrong == (8,)
