"""The seam between the packages that write progress and those that keep things in step.

Services announce what changed; packages that keep derived data (the report tables; later
badges, learning-record statements, grade return) subscribe. A writer never calls into a
reader's package, and a new write path only has to announce its change.

Signals are blinker signals, as Flask's own and Indico's are. Receivers run synchronously,
inside the writer's transaction: what they write commits or rolls back with the change.
Anything that leaves the process (mail, a statement sent to an LRS) belongs after the commit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()


class Change(enum.StrEnum):
    ENROLLED = "enrolled"
    LESSON_DONE = "lesson-done"
    QUIZ_ATTEMPT = "quiz-attempt"
    MODULE_FINISHED = "module-finished"  # by itself only after a re-import; else with a step
    COMPLETED = "completed"
    CERTIFICATE_ISSUED = "certificate-issued"
    CERTIFICATE_REVOKED = "certificate-revoked"
    LANGUAGE_SWITCHED = "language-switched"
    # One learner's rows everywhere: learner_id is the account's learner, merged_from the
    # guest learner whose rows move into it (and which is deleted afterwards).
    GUEST_MERGED = "guest-merged"
    # Every course of the learner: their library changed (course_id is None).
    LIBRARY_MOVED = "library-moved"
    # The learner is being erased (a patron's request, or old guest progress): each package
    # deletes or anonymises its rows of that learner now, before the learner row goes.
    LEARNER_ERASED = "learner-erased"


@dataclass(frozen=True)
class ProgressChange:
    """One change to a learner's progress. `course_id` is None where every course of the
    learner is concerned."""

    change: Change
    learner_id: int
    course_id: int | None = None
    merged_from: int | None = None
    # The lesson (lesson-done) or quiz (quiz-attempt) the change is about, where there is one.
    item_id: int | None = None


progress_changed = _signals.signal(
    "progress-changed",
    doc="Sent with `change=ProgressChange(...)` after a service has written the change "
    "(flushed, not committed).",
)

course_content_changed = _signals.signal(
    "course-content-changed",
    doc="Sent with `course_id=` after an import changed a course that already existed "
    "(flushed, not committed): what finishing it takes may have changed. Learning settles "
    "the course in a job after the commit (learning/reimports.py), off the import's path.",
)

course_content_settled = _signals.signal(
    "course-content-settled",
    doc="Sent with `course_id=` by the job that follows a re-import, once it has recorded the "
    "completions the new content makes due for every learner of the course (flushed, not "
    "committed): tables derived from the whole course are counted again in the same "
    "transaction.",
)


lesson_viewed = _signals.signal(
    "lesson-viewed",
    doc="Sent with `learner_id=`, `course_id=`, `lesson_id=` when a learner's visit to a lesson "
    "is recorded (not on a reload within minutes; flushed, not committed). Not a progress "
    "change: the report tables do not listen.",
)


def announce(change: ProgressChange) -> None:
    """Tells every subscriber about one change to a learner's progress."""
    progress_changed.send(None, change=change)


account_erased = _signals.signal(
    "account-erased",
    doc="Sent with `user_id=` while an account is erased, before its user row is deleted: each "
    "package deletes its rows of that user (class places, library card, reset codes).",
)
