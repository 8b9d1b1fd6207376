"""The demo plan on its own (no database): rules kept, the same rows for the same seed."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from course_app.demo.plan import DemoPlan
from course_app.demo.responses import plausible_responses
from course_app.demo.shapes import (
    Conventions,
    CourseShape,
    LessonShape,
    ModuleShape,
    QuestionShape,
    QuizShape,
)
from course_app.quizzes.grading import grade_response, has_passed, score_percent
from tests.factories import quiz_questions

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CONVENTIONS = Conventions(
    password_hash="$argon2id$not-a-real-hash",
    username_key=str.casefold,
    join_code_alphabet="ACDEFHJKMNPQRTUVWXY34679",
    join_code_length=6,
    certificate_code_bytes=24,
)


def questions(first_id: int) -> tuple[QuestionShape, ...]:
    return tuple(
        QuestionShape(first_id + n, q["type"], q["data"])
        for n, q in enumerate(quiz_questions(f"q{first_id}"))
    )


# Course 1 (en, es): an optional lesson in the middle and one after the last counted step.
# Course 2 (en): lessons only. Course 3: its quiz has no active questions, so never complete.
MODULES_1 = (
    ModuleShape(
        10, (LessonShape(11, True), LessonShape(12, False)), QuizShape(101, 80, questions(1000))
    ),
    ModuleShape(20, (LessonShape(13, True),), QuizShape(102, 60, questions(2000))),
    ModuleShape(30, (LessonShape(14, True), LessonShape(15, False)), None),
)
MODULES_2 = (ModuleShape(40, (LessonShape(41, True), LessonShape(42, True)), None),)
MODULES_3 = (ModuleShape(50, (LessonShape(51, True),), QuizShape(103, 80, ())),)
COURSES = [
    CourseShape(1, "en", ("en", "es"), MODULES_1),
    CourseShape(2, "en", ("en",), MODULES_2),
    CourseShape(3, "en", ("en",), MODULES_3),
]
COUNTED = {1: {11, 13, 14}, 2: {41, 42}, 3: {51}}
QUIZZES = {1: {101, 102}, 2: set(), 3: {103}}
QUESTIONS = {q.id: q for c in COURSES for m in c.modules if m.quiz for q in m.quiz.questions}


def generate(learners=1500, seed=1, chunk_size=200, first_ids=None):
    plan = DemoPlan(
        seed=seed,
        learners=learners,
        courses=COURSES,
        now=NOW,
        first_ids=first_ids or {},
        conventions=CONVENTIONS,
    )
    tables = defaultdict(list)
    for batch in plan.batches(chunk_size):
        for name, rows in batch.items():
            tables[name].extend(rows)
    return plan, tables


@pytest.fixture(scope="module")
def demo():
    return generate()


def test_the_same_seed_gives_the_same_rows_whatever_the_chunk_size(demo):
    _, tables = demo
    _, again = generate(chunk_size=7)
    assert again == tables


def test_another_seed_gives_other_rows(demo):
    _, tables = demo
    _, other = generate(seed=2)
    assert other["users"] != tables["users"]
    assert other["lesson_progress"] != tables["lesson_progress"]


def test_ids_count_up_from_the_first_free_ones():
    _, tables = generate(learners=50, first_ids={"users": 500, "learners": 70})
    assert [u["id"] for u in tables["users"]][:3] == [500, 501, 502]
    assert sorted(r["id"] for r in tables["learners"]) == list(range(70, 120))
    learner_ids = {r["id"] for r in tables["learners"]}
    assert {e["learner_id"] for e in tables["enrolments"]} <= learner_ids


def test_an_enrolment_is_complete_exactly_when_the_app_would_say_so(demo):
    _, tables = demo
    done = defaultdict(set)
    for row in tables["lesson_progress"]:
        done[row["learner_id"], row["course_id"]].add(row["lesson_id"])
    passed = defaultdict(set)
    for row in tables["quiz_attempts"]:
        if row["passed"]:
            passed[row["learner_id"], row["course_id"]].add(row["quiz_id"])
    completed = Counter()
    for e in tables["enrolments"]:
        key = e["learner_id"], e["course_id"]
        complete = COUNTED[e["course_id"]] <= done[key] and QUIZZES[e["course_id"]] <= passed[key]
        assert (e["completed_at"] is not None) == complete, e
        completed[e["course_id"]] += complete
    assert completed[1] > 50 and completed[2] > 50
    assert completed[3] == 0  # its quiz cannot be passed
    assert not any(r["lesson_id"] == 15 for r in tables["lesson_progress"])  # optional, last
    optional = sum(r["lesson_id"] == 12 for r in tables["lesson_progress"])
    assert 0 < optional < sum(r["lesson_id"] == 13 for r in tables["lesson_progress"]) * 1.2


def test_times_follow_the_story(demo):
    plan, tables = demo
    enrolments = {(e["learner_id"], e["course_id"]): e for e in tables["enrolments"]}
    activity = defaultdict(list)
    for row in tables["lesson_progress"]:
        activity[row["learner_id"], row["course_id"]].append(
            (row["completed_at"], row["lesson_id"])
        )
    for row in tables["quiz_attempts"]:
        activity[row["learner_id"], row["course_id"]].append((row["submitted_at"], None))
    for key, e in enrolments.items():
        times = sorted(activity[key], key=lambda pair: pair[0])
        assert plan.start <= e["started_at"] <= e["last_activity_at"] <= NOW
        assert all(e["started_at"] < at <= e["last_activity_at"] for at, _ in times)
        if times:
            assert e["last_activity_at"] == times[-1][0]
        lessons = [lesson for _, lesson in times if lesson is not None]
        assert e["last_lesson_id"] == (lessons[-1] if lessons else {1: 11, 2: 41, 3: 51}[key[1]])
        if e["completed_at"] is not None:
            assert e["completed_at"] == e["last_activity_at"]
    learners = {r["id"]: r for r in tables["learners"]}
    for (learner_id, _), e in enrolments.items():
        assert learners[learner_id]["created_at"] <= e["started_at"]
        assert learners[learner_id]["last_active_at"] >= e["last_activity_at"]


def test_stored_answers_are_what_grading_says(demo):
    _, tables = demo
    by_attempt = defaultdict(list)
    for answer in tables["attempt_answers"]:
        question = QUESTIONS[answer["question_id"]]
        verdict = grade_response(question.type, question.data, answer["response"])
        assert verdict.correct == answer["is_correct"]
        by_attempt[answer["attempt_id"]].append(answer)
    pass_marks = {101: 80, 102: 60}
    for attempt in tables["quiz_attempts"]:
        answers = by_attempt[attempt["id"]]
        correct = sum(a["is_correct"] for a in answers)
        assert [a["position"] for a in answers] == list(range(len(answers)))
        assert attempt["correct_count"] == correct
        assert attempt["question_count"] == len(answers) == len(quiz_questions("x"))
        assert attempt["score"] == score_percent(correct, len(answers))
        assert attempt["passed"] == has_passed(
            correct, len(answers), pass_marks[attempt["quiz_id"]]
        )
    first_tries = [a for a in tables["quiz_attempts"] if a["quiz_id"] == 101]
    assert 0.1 < sum(not a["passed"] for a in first_tries) / len(first_tries) < 0.6
    wrong_share = Counter()
    for answer in tables["attempt_answers"]:
        wrong_share[answer["question_id"]] += not answer["is_correct"]
    assert max(wrong_share.values()) > 2 * min(wrong_share.values())  # some questions harder
    tokens = [(a["learner_id"], a["submission_token"]) for a in tables["quiz_attempts"]]
    assert len(set(tokens)) == len(tokens)
    assert {len(token) for _, token in tokens} == {43}


def test_certificates_only_for_completed_courses(demo):
    _, tables = demo
    completed = {
        (e["learner_id"], e["course_id"]): e["completed_at"]
        for e in tables["enrolments"]
        if e["completed_at"] is not None
    }
    certificates = tables["certificates"]
    assert 0.85 * len(completed) < len(certificates) <= len(completed)
    for certificate in certificates:
        completed_at = completed[certificate["learner_id"], certificate["course_id"]]
        assert completed_at <= certificate["issued_at"] <= NOW
        if certificate["revoked_at"] is not None:
            assert certificate["issued_at"] <= certificate["revoked_at"] <= NOW
            assert certificate["revoked_reason"]
    codes = [c["code"] for c in certificates]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 32 and not code.startswith("-") for code in codes)


def test_the_network_has_uneven_branches_with_some_tiny_ones(demo):
    plan, tables = demo
    kinds = Counter(o["kind"] for o in tables["organisations"])
    assert kinds["network"] == 1 and 4 <= kinds["system"] <= 6
    assert 3 * kinds["system"] <= kinds["branch"] <= 6 * kinds["system"]
    codes = [o["code"] for o in tables["organisations"]]
    assert len(set(codes)) == len(codes) and "demo-network" in codes
    branches = {o["id"] for o in tables["organisations"] if o["kind"] == "branch"}
    patrons = Counter(u["organisation_id"] for u in tables["users"] if u["role"] == "learner")
    assert set(patrons) <= branches
    assert sum(1 for b in branches if 0 < patrons[b] < 5) >= 3
    assert max(patrons.values()) > 100
    guests = sum(1 for r in tables["learners"] if r["user_id"] is None)
    assert 0.05 < guests / len(tables["learners"]) < 0.15
    roles = Counter(u["role"] for u in tables["users"])
    assert roles["staff"] == 2 and kinds["branch"] <= roles["librarian"] <= 2 * kinds["branch"]
    usernames = [u["username"] for u in tables["users"]]
    assert len(set(usernames)) == len(usernames)
    assert all(u["username_key"] == u["username"].casefold() for u in tables["users"])
    assert plan.staff_username == "demo-staff-1"
    assert plan.librarian_username in usernames


def test_spanish_readers_read_courses_that_have_spanish_in_spanish(demo):
    _, tables = demo
    languages = defaultdict(Counter)
    for e in tables["enrolments"]:
        languages[e["course_id"]][e["language"]] += 1
    spanish = languages[1]["es"] / sum(languages[1].values())
    assert 0.12 < spanish < 0.28
    assert set(languages[2]) == {"en"}


def test_classes_hold_patrons_of_their_branch_with_assignments(demo):
    _, tables = demo
    users = {u["id"]: u for u in tables["users"]}
    classes = {c["id"]: c for c in tables["classes"]}
    assert len({c["join_code"] for c in classes.values()}) == len(classes)
    members = defaultdict(set)
    for member in tables["class_members"]:
        learning_class = classes[member["class_id"]]
        assert users[member["user_id"]]["organisation_id"] == learning_class["organisation_id"]
        assert member["added_at"] >= learning_class["created_at"]
        members[member["class_id"]].add(member["user_id"])
    assert members
    modules = {10: 1, 20: 1, 30: 1, 40: 2, 50: 3}
    due = []
    for assignment in tables["assignments"]:
        assert assignment["class_id"] in classes
        if assignment["user_id"] is not None:
            assert assignment["user_id"] in members[assignment["class_id"]]
        if assignment["module_id"] is not None:
            assert modules[assignment["module_id"]] == assignment["course_id"]
        if assignment["due_on"] is not None:
            assert assignment["due_on"] >= assignment["created_at"].date()
            due.append(assignment["due_on"])
    assert any(d > NOW.date() for d in due) and any(
        d < (NOW - timedelta(days=90)).date() for d in due
    )
    assert any(a["user_id"] is not None for a in tables["assignments"])


def test_about_ten_lessons_are_done_per_learner(demo):
    _, tables = demo
    # The real courses have six lessons each; these have three to five, so fewer here.
    assert 4 < len(tables["lesson_progress"]) / len(tables["learners"]) < 9


@pytest.mark.parametrize(
    ("question", "expected"),
    [(q["type"], q["data"]) for q in quiz_questions("p")],
)
def test_plausible_responses_are_graded_as_meant(question, expected):
    choices = plausible_responses(question, expected)
    assert grade_response(question, expected, choices.right).correct
    assert choices.wrong
    assert not any(grade_response(question, expected, w).correct for w in choices.wrong)


def test_an_unknown_question_type_is_refused():
    with pytest.raises(ValueError, match="drawing"):
        plausible_responses("drawing", {})


def test_at_least_one_learner_is_needed():
    with pytest.raises(ValueError):
        DemoPlan(
            seed=1, learners=0, courses=COURSES, now=NOW, first_ids={}, conventions=CONVENTIONS
        )
