"""One learner's way through one course, as rows: lessons in order, each module's quiz after
its lessons (failed attempts, retries), completion, a certificate. No Flask, no database.

Modules and courses are finished by the app's own rule (learning.progress.finished), and
recorded as the app records them: a milestone when a quiz is tried, passed, or a module is
finished, and the enrolment's completion.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from course_app.demo.responses import ResponseChoices, plausible_responses
from course_app.demo.rows import Batch, Ids
from course_app.demo.shapes import CourseShape, LessonShape, QuizShape
from course_app.learning.models import MilestoneKind
from course_app.learning.plan import LESSON, QUIZ, Step
from course_app.learning.progress import finished
from course_app.quizzes.grading import has_passed, score_percent

FIRST_LESSON_DONE = 0.96  # the others only looked at the first lesson
KEEP_GOING = (0.86, 0.92)  # chance of doing each next lesson, drawn per enrolment
TAKE_QUIZ = 0.97  # chance of taking a module's quiz after its lessons
SKIP_OPTIONAL = 0.35
HARD_QUESTION_SHARE = 0.25
LEARNING_PER_ATTEMPT = 0.08  # each retry, every question is a little more often right
RETRY_CHANCE = (1.0, 0.9, 0.75, 0.6)  # of a 1st, 2nd, 3rd, 4th attempt
CERTIFICATE_SHARE = 0.95
REVOKED_SHARE = 0.01


@dataclass(frozen=True)
class CoursePath:
    """A course's steps with what completing it takes."""

    shape: CourseShape
    steps: tuple[LessonShape | QuizShape, ...]
    last_counted: int  # index of the last counted step; optional lessons after it are skipped
    counted_lessons: frozenset[int]
    quiz_ids: frozenset[int]
    first_lesson_id: int | None
    module_ids: tuple[int, ...]
    # Each step as the course plan has it (kind, id, module, counts), for the rule.
    plan_steps: tuple[Step, ...]

    @classmethod
    def of(cls, shape: CourseShape) -> CoursePath:
        steps = tuple(shape.steps)
        lessons = [s for s in steps if isinstance(s, LessonShape)]
        counted = [n for n, s in enumerate(steps) if isinstance(s, QuizShape) or s.counted]
        return cls(
            shape=shape,
            steps=steps,
            last_counted=counted[-1] if counted else -1,
            counted_lessons=frozenset(s.id for s in lessons if s.counted),
            quiz_ids=frozenset(s.id for s in steps if isinstance(s, QuizShape)),
            first_lesson_id=lessons[0].id if lessons else None,
            module_ids=tuple(m.id for m in shape.modules),
            plan_steps=tuple(
                Step(LESSON, s.id, "", "", m.id, s.counted)
                if isinstance(s, LessonShape)
                else Step(QUIZ, s.id, "", "", m.id, True)
                for m in shape.modules
                for s in (*m.lessons, *((m.quiz,) if m.quiz else ()))
            ),
        )

    def module_steps(self, module_id: int) -> list[Step]:
        return [s for s in self.plan_steps if s.module_id == module_id]

    def module_of(self, step: LessonShape | QuizShape) -> int:
        kind = LESSON if isinstance(step, LessonShape) else QUIZ
        return next(s.module_id for s in self.plan_steps if s.ref == (kind, step.id))

    @property
    def can_be_completed(self) -> bool:
        return bool(self.counted_lessons or self.quiz_ids)


class CourseProgress:
    """Writes enrolments with their lesson progress, quiz attempts, answers and certificates."""

    def __init__(
        self,
        rng: random.Random,
        ids: Ids,
        now: datetime,
        courses: list[CoursePath],
        certificate_code_bytes: int,
    ):
        self.rng = rng
        self.ids = ids
        self.now = now
        self.certificate_code_bytes = certificate_code_bytes
        # Per question: how often it is answered right (some clearly harder), and responses.
        self.questions: dict[int, tuple[float, ResponseChoices]] = {}
        for course in courses:
            for step in course.steps:
                if isinstance(step, QuizShape):
                    for question in step.questions:
                        hard = rng.random() < HARD_QUESTION_SHARE
                        chance = rng.uniform(0.5, 0.72) if hard else rng.uniform(0.82, 0.97)
                        choices = plausible_responses(question.type, question.data)
                        self.questions[question.id] = (chance, choices)

    def enrolment(
        self,
        batch: Batch,
        learner_id: int,
        course: CoursePath,
        started: datetime,
        language: str,
        ability: float,
        recipient_name: str,
    ) -> datetime:
        """The learner's way through the course until they stop, finish, or reach `now`;
        returns the time of the last thing done."""
        rng, ids = self.rng, self.ids
        enrolment_id = ids.take("enrolments")
        course_id = course.shape.id
        keep_going = rng.uniform(*KEEP_GOING)
        done: set[tuple[str, int]] = set()  # step refs: lessons done, quizzes passed
        last_lesson_id = course.first_lesson_id  # viewed when the enrolment began
        last_at = at = started
        progress = batch["lesson_progress"]
        for n, step in enumerate(course.steps):
            is_lesson = isinstance(step, LessonShape)
            skippable = is_lesson and not step.counted
            if skippable and (n > course.last_counted or rng.random() < SKIP_OPTIONAL):
                continue
            first = at == started
            go_on = (FIRST_LESSON_DONE if first else keep_going) if is_lesson else TAKE_QUIZ
            if rng.random() >= go_on:
                break
            if first:
                at += timedelta(minutes=rng.uniform(2, 15))
            elif is_lesson:
                at += self._lesson_gap()
            else:
                at += timedelta(minutes=rng.uniform(1, 10))
            if at > self.now:
                break
            if is_lesson:
                progress.append(
                    {
                        "id": ids.take("lesson_progress"),
                        "learner_id": learner_id,
                        "course_id": course_id,
                        "lesson_id": step.id,
                        "completed_at": at,
                    }
                )
                done.add((LESSON, step.id))
                last_lesson_id, last_at = step.id, at
                self._module_finished(batch, learner_id, course, step, done, at)
                continue
            quiz_passed, attempted_at = self._quiz(batch, learner_id, course_id, step, at, ability)
            if attempted_at is not None:
                last_at = at = attempted_at
            if not quiz_passed:
                break
            done.add((QUIZ, step.id))
            self._module_finished(batch, learner_id, course, step, done, at)
        complete = finished(course.plan_steps, done)
        batch["enrolments"].append(
            {
                "id": enrolment_id,
                "learner_id": learner_id,
                "course_id": course_id,
                "started_at": started,
                "last_activity_at": last_at,
                "last_lesson_id": last_lesson_id,
                "completed_at": last_at if complete else None,
                "language": language,
            }
        )
        if complete and rng.random() < CERTIFICATE_SHARE:
            self._certificate(batch, learner_id, course_id, last_at, language, recipient_name)
        return last_at

    def _milestone(
        self, batch: Batch, learner_id: int, course_id: int, kind: str, item: int, at: datetime
    ) -> None:
        batch["milestones"].append(
            {
                "id": self.ids.take("milestones"),
                "learner_id": learner_id,
                "course_id": course_id,
                "kind": kind,
                "item_id": item,
                "at": at,
            }
        )

    def _module_finished(
        self,
        batch: Batch,
        learner_id: int,
        course: CoursePath,
        step: LessonShape | QuizShape,
        done: set[tuple[str, int]],
        at: datetime,
    ) -> None:
        """Records the step's module as finished when this step finished it."""
        module_id = course.module_of(step)
        steps = course.module_steps(module_id)
        before = done - {(LESSON if isinstance(step, LessonShape) else QUIZ, step.id)}
        if finished(steps, done) and not finished(steps, before):
            kind = MilestoneKind.MODULE_FINISHED
            self._milestone(batch, learner_id, course.shape.id, kind, module_id, at)

    def _lesson_gap(self) -> timedelta:
        """Minutes within a sitting, hours within a day, or days between visits."""
        rng = self.rng
        u = rng.random()
        if u < 0.6:
            return timedelta(minutes=rng.uniform(3, 25))
        if u < 0.88:
            return timedelta(hours=rng.uniform(1, 20))
        return timedelta(days=rng.uniform(1, 21))

    def _retry_gap(self) -> timedelta:
        rng = self.rng
        u = rng.random()
        if u < 0.5:
            return timedelta(minutes=rng.uniform(2, 30))
        if u < 0.8:
            return timedelta(hours=rng.uniform(1, 24))
        return timedelta(days=rng.uniform(1, 14))

    def _quiz(
        self,
        batch: Batch,
        learner_id: int,
        course_id: int,
        quiz: QuizShape,
        at: datetime,
        ability: float,
    ) -> tuple[bool, datetime | None]:
        """Attempts until passed or given up: (passed, time of the last attempt or None)."""
        rng, ids = self.rng, self.ids
        attempts, answers = batch["quiz_attempts"], batch["attempt_answers"]
        total = len(quiz.questions)
        quiz_passed, last_at = False, None
        for number, chance_to_try in enumerate(RETRY_CHANCE):
            if not total:
                break  # a quiz without active questions cannot be passed
            if number:
                if rng.random() >= chance_to_try:
                    break
                at += self._retry_gap()
                if at > self.now:
                    break
            attempt_id = ids.take("quiz_attempts")
            correct = 0
            for position, question in enumerate(quiz.questions):
                chance, choices = self.questions[question.id]
                right = not choices.wrong or (
                    rng.random() < chance + ability + LEARNING_PER_ATTEMPT * number
                )
                answers.append(
                    {
                        "id": ids.take("attempt_answers"),
                        "attempt_id": attempt_id,
                        "question_id": question.id,
                        "position": position,
                        "response": choices.right if right else rng.choice(choices.wrong),
                        "is_correct": right,
                    }
                )
                correct += right
            quiz_passed = has_passed(correct, total, quiz.pass_mark)
            attempts.append(
                {
                    "id": attempt_id,
                    "learner_id": learner_id,
                    "quiz_id": quiz.id,
                    "course_id": course_id,
                    "submission_token": self.token(32),  # as the quiz form's
                    "submitted_at": at,
                    "correct_count": correct,
                    "question_count": total,
                    "score": score_percent(correct, total),
                    "passed": quiz_passed,
                }
            )
            if number == 0:
                self._milestone(batch, learner_id, course_id, MilestoneKind.QUIZ_TRIED, quiz.id, at)
            if quiz_passed:
                kind = MilestoneKind.QUIZ_PASSED
                self._milestone(batch, learner_id, course_id, kind, quiz.id, at)
            last_at = at
            if quiz_passed:
                break
        return quiz_passed, last_at

    def _certificate(
        self,
        batch: Batch,
        learner_id: int,
        course_id: int,
        completed_at: datetime,
        language: str,
        recipient_name: str,
    ) -> None:
        rng = self.rng
        if rng.random() < 0.8:
            delay = timedelta(minutes=rng.uniform(1, 30))
        else:
            delay = timedelta(days=rng.uniform(1, 30))
        issued_at = min(self.now, completed_at + delay)
        revoked_at = revoked_reason = None
        if rng.random() < REVOKED_SHARE:
            revoked_at = min(self.now, issued_at + timedelta(days=rng.uniform(1, 60)))
            revoked_reason = "Issued by mistake (demo data)."
        batch["certificates"].append(
            {
                "id": self.ids.take("certificates"),
                "code": self.token(self.certificate_code_bytes),
                "learner_id": learner_id,
                "course_id": course_id,
                "recipient_name": recipient_name,
                "language": language,
                "issued_at": issued_at,
                "revoked_at": revoked_at,
                "revoked_reason": revoked_reason,
            }
        )

    def token(self, size: int) -> str:
        """Shaped like secrets.token_urlsafe(size), from the seeded generator; never starts
        with '-' (certificate codes must not read as a command-line option)."""
        while True:
            raw = self.rng.getrandbits(8 * size).to_bytes(size, "big")
            token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            if not token.startswith("-"):
                return token
