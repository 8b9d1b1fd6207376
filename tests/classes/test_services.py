"""Class services: codes, members, joining, assignments, and the progress table's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEvent
from course_app.classes.models import Assignment, ClassMember
from course_app.classes.services import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ClassError,
    add_members,
    change_join_code,
    create_assignment,
    create_class,
    join_class_by_code,
    normalise_join_code,
    patrons_for_picking,
    remove_assignment,
    remove_member,
    set_class_archived,
    visible_classes,
)
from course_app.classes.status import HelpReason, Status
from course_app.classes.table import class_table, my_assignments
from course_app.content.models import Module
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.libraries.models import Organisation
from tests.classes.builders import (
    add_attempt,
    class_world,
    complete_lessons,
    get_class,
    get_course,
    user,
)

TODAY = date(2027, 3, 10)
NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def world(app_ctx):
    world = class_world()
    db.session.commit()
    return world


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def module(course, key):
    return db.session.scalar(select(Module).where(Module.course_id == course.id, Module.key == key))


def test_a_class_gets_a_readable_unique_join_code_and_is_audited(world):
    learning_class = get_class(world)
    code = learning_class.join_code
    assert len(code) == JOIN_CODE_LENGTH
    assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set(code) & set("0O1IL2Z5S8B")
    assert change_join_code(user("lib"), learning_class) != code
    assert "class.created" in actions() and "class.join_code_changed" in actions()


def test_an_empty_class_name_is_refused(world):
    org = db.session.get(Organisation, world["north-a"])
    with pytest.raises(ClassError) as error:
        create_class(user("lib"), org, "   ", None)
    assert error.value.reason == ClassError.NAME_EMPTY


def test_join_codes_are_read_without_case_spaces_or_dashes():
    assert normalise_join_code(" km4-7xa ") == "KM47XA"


def test_picking_offers_only_patrons_of_the_class_library_system_not_yet_in_it(world):
    from tests.classes.builders import place
    from tests.factories import make_user

    learning_class = get_class(world)
    place(make_user("newbie", display_name="Nell Newbie"), world["north-a"])
    make_user("boss", "staff")
    assert [u.username for u in patrons_for_picking(user("lib"), learning_class, "").items] == [
        "newbie"
    ]
    assert patrons_for_picking(user("lib"), learning_class, "nomatch").items == []
    # Staff see the whole system (north-b too) but never the south system's patrons.
    found = [u.username for u in patrons_for_picking(user("boss"), learning_class, "").items]
    assert found == ["newbie", "northb"]  # by name: Nell, North
    assert [
        u.username for u in patrons_for_picking(user("boss"), learning_class, "NELL").items
    ] == ["newbie"]


def test_a_librarian_cannot_add_another_systems_patron_and_nothing_is_added(world):
    learning_class = get_class(world)
    before = db.session.scalar(select(db.func.count()).select_from(ClassMember))
    with pytest.raises(ClassError) as error:
        add_members(user("lib"), learning_class, [user("southpat").id, world["patron_ids"][0]])
    assert error.value.reason == ClassError.PATRON_NOT_FOUND
    assert db.session.scalar(select(db.func.count()).select_from(ClassMember)) == before


def test_adding_nobody_is_refused(world):
    with pytest.raises(ClassError) as error:
        add_members(user("lib"), get_class(world), [])
    assert error.value.reason == ClassError.NOBODY_CHOSEN


def test_a_patron_joins_by_code_once_and_other_systems_patrons_are_refused(world):
    learning_class = get_class(world)
    northb = user("northb")
    joined, new = join_class_by_code(northb, learning_class.join_code.lower())
    assert joined.id == learning_class.id and new
    assert join_class_by_code(northb, learning_class.join_code) == (learning_class, False)
    with pytest.raises(ClassError) as error:
        join_class_by_code(user("southpat"), learning_class.join_code)
    assert error.value.reason == ClassError.CODE_UNKNOWN  # the same answer as an unknown code
    with pytest.raises(ClassError) as error:
        join_class_by_code(northb, "XXXXXX")
    assert error.value.reason == ClassError.CODE_UNKNOWN
    set_class_archived(user("lib"), learning_class, True)
    with pytest.raises(ClassError) as error:
        join_class_by_code(user("p1"), learning_class.join_code)
    assert error.value.reason == ClassError.CLASS_ARCHIVED


def test_assignments_are_checked_and_audited(world):
    learning_class, course = get_class(world), get_course(world)
    lib = user("lib")
    with pytest.raises(ClassError) as error:
        create_assignment(
            lib, learning_class, course, None, None, TODAY - timedelta(days=1), None, TODAY
        )
    assert error.value.reason == ClassError.DUE_IN_PAST
    with pytest.raises(ClassError) as error:
        create_assignment(lib, learning_class, course, None, user("northb"), None, None, TODAY)
    assert error.value.reason == ClassError.NOT_A_MEMBER
    assignment = create_assignment(lib, learning_class, course, None, None, TODAY, "Hi", TODAY)
    remove_assignment(lib, assignment)
    assert db.session.scalar(select(Assignment.id)) is None
    assert actions()[-2:] == ["assignment.created", "assignment.removed"]


def test_removing_a_patron_removes_their_own_assignments(world):
    learning_class, course = get_class(world), get_course(world)
    p1 = user("p1")
    create_assignment(user("lib"), learning_class, course, None, p1, None, None, TODAY)
    remove_member(user("lib"), learning_class, p1)
    assert db.session.scalar(select(Assignment.id)) is None
    assert "class.member_removed" in actions()


def test_the_table_tells_each_status(world):
    learning_class, course = get_class(world), get_course(world)
    lib = user("lib")
    whole = create_assignment(
        lib, learning_class, course, None, None, date(2027, 3, 9), None, date(2027, 3, 1)
    )
    first = create_assignment(
        lib, learning_class, course, module(course, "m1"), None, None, None, TODAY
    )
    p1, p2 = user("p1"), user("p2")
    complete_lessons(p1, course, "m1")
    add_attempt(p1, course, "m1-quiz", 100)
    complete_lessons(p2, course, "m1")
    table = class_table(learning_class, NOW)
    assert [a.id for a in table.assignments] == [whole.id, first.id]
    by_name = {row.user.username: row for row in table.rows}
    p1_whole, p1_first = by_name["p1"].cells
    assert p1_first.status == Status.COMPLETED
    assert p1_whole.status == Status.OVERDUE and p1_whole.progress.percent == 50
    p2_first = by_name["p2"].cells[1]
    assert p2_first.status == Status.IN_PROGRESS and p2_first.progress.percent == 66
    p3_first = by_name["p3"].cells[1]
    assert p3_first.status == Status.NOT_STARTED
    assert p1_first.quizzes[0].best_score == 100 and p1_first.quizzes[0].attempts == 1


def test_a_one_patron_assignment_shows_only_in_their_row(world):
    learning_class, course = get_class(world), get_course(world)
    create_assignment(user("lib"), learning_class, course, None, user("p2"), None, None, TODAY)
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    assert rows["p1"].cells == [None]
    assert rows["p2"].cells[0].status == Status.NOT_STARTED


def _age(world, days: float) -> None:
    """Moves every activity and assignment of the class days into the past."""
    then = NOW - timedelta(days=days)
    for enrolment in db.session.scalars(select(Enrolment)):
        enrolment.last_activity_at = then
    for assignment in db.session.scalars(select(Assignment)):
        assignment.created_at = then
    for member in db.session.scalars(select(ClassMember)):
        member.added_at = then
    db.session.flush()


@pytest.mark.parametrize(("days", "flagged"), [(14, False), (15, True)])
def test_stuck_patrons_are_flagged_after_more_than_14_days(world, days, flagged):
    learning_class, course = get_class(world), get_course(world)
    due = TODAY + timedelta(days=3)
    create_assignment(user("lib"), learning_class, course, None, None, due, None, TODAY)
    complete_lessons(user("p1"), course, "m1")
    _age(world, days)
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    for name in ("p1", "p3"):  # started, and never started (counted from the assignment)
        reasons = [f.reason for f in rows[name].flags]
        assert reasons == ([HelpReason.NO_ACTIVITY] if flagged else []), name


def test_work_with_no_due_date_never_makes_a_patron_look_stuck(world):
    learning_class, course = get_class(world), get_course(world)
    create_assignment(user("lib"), learning_class, course, None, None, None, None, TODAY)
    _age(world, 60)
    assert all(row.flags == [] for row in class_table(learning_class, NOW).rows)


def test_a_flag_marked_handled_stays_handled_until_the_patron_acts_again(world):
    from course_app.classes.help_marks import mark_help_handled

    learning_class, course = get_class(world), get_course(world)
    due = TODAY + timedelta(days=3)
    create_assignment(user("lib"), learning_class, course, None, None, due, None, TODAY)
    _age(world, 30)
    mark_help_handled(user("lib"), learning_class, user("p3"), NOW - timedelta(days=1))
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    assert rows["p3"].flags and not rows["p3"].needs_help
    assert rows["p3"].handled_at == NOW - timedelta(days=1)
    assert rows["p2"].needs_help
    # p3 does something after the mark: the mark no longer covers them.
    add_attempt(user("p3"), course, "m1-quiz", 40, at=NOW - timedelta(hours=1))
    add_attempt(user("p3"), course, "m1-quiz", 40, at=NOW - timedelta(hours=1))
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    assert rows["p3"].needs_help and rows["p3"].handled_at is None


def test_finished_work_is_never_stuck(world):
    learning_class, course = get_class(world), get_course(world)
    create_assignment(
        user("lib"), learning_class, course, module(course, "m1"), None, None, None, TODAY
    )
    complete_lessons(user("p1"), course, "m1")
    add_attempt(user("p1"), course, "m1-quiz", 100, at=NOW - timedelta(days=40))
    _age(world, 40)
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    assert rows["p1"].flags == []


def test_two_failed_tries_without_a_pass_flag_the_patron(world):
    learning_class, course = get_class(world), get_course(world)
    create_assignment(user("lib"), learning_class, course, None, None, None, None, TODAY)
    add_attempt(user("p1"), course, "m1-quiz", 20, at=NOW)
    add_attempt(user("p1"), course, "m1-quiz", 40, at=NOW)
    add_attempt(user("p2"), course, "m1-quiz", 20, at=NOW)
    add_attempt(user("p2"), course, "m1-quiz", 20, at=NOW)
    add_attempt(user("p2"), course, "m1-quiz", 100, at=NOW)
    add_attempt(user("p3"), course, "m1-quiz", 20, at=NOW)
    rows = {row.user.username: row for row in class_table(learning_class, NOW).rows}
    assert [(f.reason, f.quiz_title, f.failures) for f in rows["p1"].flags] == [
        (HelpReason.FAILED_QUIZ, "Quiz 1", 2)
    ]
    assert rows["p2"].flags == [] and rows["p3"].flags == []
    assert rows["p1"].last_activity == NOW


def test_my_assignments_due_first_then_by_course_once_each(world):
    learning_class, course = get_class(world), get_course(world)
    lib = user("lib")
    from tests.factories import make_course

    other = make_course("another", modules=1)
    later = make_course("zebra", modules=1)
    create_assignment(lib, learning_class, later, None, None, None, None, TODAY)
    create_assignment(lib, learning_class, other, None, None, None, None, TODAY)
    create_assignment(lib, learning_class, course, None, None, date(2027, 4, 1), None, TODAY)
    create_assignment(lib, learning_class, course, None, user("p1"), date(2027, 3, 20), None, TODAY)
    create_assignment(
        lib,
        learning_class,
        course,
        module(course, "m2"),
        None,
        date(2027, 3, 1),
        None,
        date(2027, 3, 1),
    )
    items = my_assignments(user("p1"), NOW)
    assert [(i.assignment.course.slug, i.assignment.due_on) for i in items] == [
        ("assigned", date(2027, 3, 1)),
        ("assigned", date(2027, 3, 20)),
        ("another", None),
        ("zebra", None),
    ]
    assert items[0].status == Status.OVERDUE
    assert [i.assignment.course.slug for i in my_assignments(user("p2"), NOW)] == [
        "assigned",
        "assigned",
        "another",
        "zebra",
    ]
    set_class_archived(lib, learning_class, True)
    assert my_assignments(user("p1"), NOW) == []


def test_visible_classes_are_those_of_the_librarians_libraries(world):
    assert [c.name for c in visible_classes(user("lib"))] == ["Tuesday Digital Skills"]
    assert visible_classes(user("southlib")) == []
