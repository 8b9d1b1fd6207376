"""The one patron import (desk/patron_import.py) on the database, without HTTP: preview,
token, re-check, accounts made all or none, and every refusal a PatronImportError."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.classes.imports import ClassImportPlace, class_import_place
from course_app.classes.models import ClassMember
from course_app.classes.services import create_class
from course_app.desk import patron_import
from course_app.desk.csv_import import MAX_ROWS, parse_patron_csv
from course_app.desk.import_errors import MESSAGES, PatronImportError, problem_text
from course_app.desk.models import LibraryCard
from course_app.desk.patron_import import (
    ImportPlace,
    desk_import_place,
    import_from_preview,
    preview_import,
)
from course_app.desk.services import NewPatron, create_patron
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.libraries.services import set_user_library
from tests.factories import make_user

Refused = PatronImportError


def preview(desk, content: bytes, place: ImportPlace | None = None):
    place = place or desk_import_place(desk["librarian"])
    return preview_import(desk["librarian"], place, desk["branch"], content)


def create(desk, token: str, place: ImportPlace | None = None, actor=None):
    place = place or desk_import_place(actor or desk["librarian"])
    return import_from_preview(actor or desk["librarian"], place, token, desk["branch"].id)


def refusal(call, *args) -> PatronImportError:
    with pytest.raises(PatronImportError) as caught:
        call(*args)
    return caught.value


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The words


def test_every_refusal_reason_has_words_in_the_one_table():
    reasons = {v for k, v in vars(PatronImportError).items() if k.isupper()}
    assert reasons <= set(MESSAGES)
    assert issubclass(PatronImportError, DomainError)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe",
        b"name\n",
        b"name,name,phone\n",
        b"email\nana@example.org\n",
        b'name\n"Ana\n',
        b"name\n" + b"P\n" * (MAX_ROWS + 1),
        b"name,card_number,email,branch\n,1,x,"
        + b"b" * 50
        + b",extra\nAna,123456789012345678901,,\nLuis,1111-2222,,\nEva,11112222,"
        + b"a" * 250
        + b"@example.org,\n",
    ],
)
def test_every_problem_the_reader_finds_has_words(content):
    for problem in parse_patron_csv(content).problems:
        assert problem.code in MESSAGES
        assert problem_text(problem)


# Preview


def test_a_good_file_previews_every_row_and_saves_nothing(desk):
    before = count(User)
    result = preview(desk, b"name,card_number,branch\nAna,11112222,\nLuis,,north-b\n")
    assert [(r.line, r.name) for r in result.rows] == [(2, "Ana"), (3, "Luis")]
    assert [r.organisation_id for r in result.rows] == [
        desk["ids"]["north-a"],
        desk["ids"]["north-b"],
    ]
    assert "11112222" not in result.token
    assert count(User) == before and count(LibraryCard) == 0


@pytest.mark.parametrize(
    ("content", "reason", "values"),
    [
        (b"", Refused.EMPTY, {}),
        ("name\nMaría\n".encode("latin-1"), Refused.NOT_TEXT, {}),
        (b"\x89PNG\r\n\x1a\n\x00", Refused.NOT_TEXT, {}),
        (b"name\n", Refused.NO_ROWS, {}),
        (b"email\nana@example.org\n", Refused.HEADER_MISSING_NAME, {}),
        (b"nombre\nAna\n", Refused.HEADER_UNKNOWN_COLUMN, {"name": "nombre"}),
        (b"name,NAME\nAna,Ana\n", Refused.HEADER_DUPLICATE_COLUMN, {"name": "name"}),
        (b"name\n" + b"P\n" * (MAX_ROWS + 1), Refused.TOO_MANY_ROWS, {"max": MAX_ROWS}),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_its_reason(desk, content, reason, values):
    error = refusal(preview, desk, content)
    assert (error.reason, error.values) == (reason, values)
    assert error.parsed is not None and error.problems
    assert error.message()
    assert count(User) == 1


def test_rows_with_problems_are_refused_naming_each_line_and_saving_nothing(desk):
    create_patron(
        desk["librarian"],
        NewPatron(name="Eva", username="eva", organisation=desk["branch"], card_number="99998888"),
    )
    before = count(User)
    error = refusal(
        preview,
        desk,
        b"name,card_number,branch\nAna,99998888,\nLuis,,south-a\nEva,,nowhere\nRay,,NORTH-B\n",
    )
    assert error.reason == Refused.ROWS_REFUSED
    assert [(p.line, p.column, p.code) for p in error.problems] == [
        (2, "card_number", "card-taken"),
        (3, "branch", "branch-unknown"),
        (4, "branch", "branch-unknown"),
    ]
    assert error.details()[0] == "Line 2: This card number is already used by another patron."
    assert [row.line for row in error.parsed.rows] == [2, 3, 4, 5]
    assert count(User) == before


def test_two_patrons_of_the_same_name_are_fine_but_a_card_twice_is_not(desk):
    assert len(preview(desk, b"name\nAna Ruiz\nAna Ruiz\n").rows) == 2
    error = refusal(preview, desk, b"name,card_number\nAna,11112222\nLuis,1111-2222\n")
    assert [(p.line, p.code, p.values) for p in error.problems] == [
        (3, "card-duplicate-in-file", {"first": 2})
    ]


# Create


def test_a_preview_makes_everyone_with_unique_usernames_and_one_import_event(desk):
    result = preview(
        desk,
        b"name,card_number,email,branch\nAna Ruiz,11112222,,\nAna Ruiz,,a@example.org,north-b\n",
    )
    created = create(desk, result.token)
    assert [c.user.username for c in created] == ["ana.ruiz", "ana.ruiz2"]
    assert created[1].user.organisation_id == desk["ids"]["north-b"]
    assert len({c.passphrase for c in created}) == 2
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["patron.created", "patron.created", "patrons.imported"]


def test_a_preview_is_imported_only_once(desk):
    token = preview(desk, b"name\nAna\nLuis\n").token
    create(desk, token)
    before = count(User)
    assert refusal(create, desk, token).reason == Refused.ALREADY_IMPORTED
    assert count(User) == before


def test_the_token_is_bound_to_its_librarian_and_branch_and_cannot_be_altered(desk):
    token = preview(desk, b"name,card_number\nAna,11112222\n").token
    other = make_user("lib2", "librarian")
    set_user_library(None, other, desk["branch"], sees_whole_system=True)
    place = desk_import_place(desk["librarian"])
    north_b = desk["ids"]["north-b"]
    for call in [
        lambda: create(desk, token, actor=other),
        lambda: import_from_preview(desk["librarian"], place, token, north_b),
        lambda: create(desk, token[:-2] + "xx"),
        lambda: create(desk, "x" * 300_000),
        lambda: create(desk, ""),
    ]:
        assert refusal(call).reason == Refused.PREVIEW_INVALID
    assert count(User) == 2


def test_a_branch_not_among_the_places_is_refused_before_the_token_is_read(desk):
    token = preview(desk, b"name\nAna\n").token
    south = desk["ids"]["south-a"]
    error = refusal(
        import_from_preview, desk["librarian"], desk_import_place(desk["librarian"]), token, south
    )
    assert error.reason == Refused.BRANCH_NOT_VISIBLE


def test_a_card_used_since_the_preview_refuses_the_whole_import(desk):
    token = preview(desk, b"name,card_number\nAna,55556666\nLuis,\n").token
    create_patron(
        desk["librarian"],
        NewPatron(name="Eva", username="eva", organisation=desk["branch"], card_number="55556666"),
    )
    before = count(User)
    error = refusal(create, desk, token)
    assert error.reason == Refused.CHANGED_SINCE_PREVIEW
    assert [(p.line, p.code) for p in error.problems] == [(2, "card-taken")]
    assert count(User) == before


def test_a_branch_hidden_since_the_preview_refuses_the_whole_import(desk):
    token = preview(desk, b"name,branch\nAna,\nLuis,north-b\n").token
    set_user_library(None, desk["librarian"], desk["branch"], sees_whole_system=False)
    db.session.flush()
    error = refusal(create, desk, token)
    assert error.reason == Refused.CHANGED_SINCE_PREVIEW
    assert [(p.line, p.code) for p in error.problems] == [(3, "branch-unknown")]
    assert count(User) == 1


def test_two_clicks_at_once_make_the_accounts_once(desk, monkeypatch):
    """The race PostgreSQL allows: the second request checked the batch before the first
    committed, so its usernames collide; it is told the accounts were already made."""
    token = preview(desk, b"name\nAna\nLuis\n").token
    create(desk, token)
    before = count(User)
    checks = iter([False, True])
    monkeypatch.setattr(patron_import, "batch_already_imported", lambda actor, batch: next(checks))
    monkeypatch.setattr(patron_import, "taken_usernames", lambda names: set())
    assert refusal(create, desk, token).reason == Refused.ALREADY_IMPORTED
    assert count(User) == before


# Into a class: the same flow, narrowed to the class's system, with its members added


@pytest.fixture
def class_place(desk):
    staff = make_user("boss", "staff")
    learning_class = create_class(staff, desk["branch"], "Tuesday", None)
    db.session.flush()
    return staff, class_import_place(staff, learning_class)


def test_a_class_import_offers_only_its_systems_branches_and_its_own_first(desk, class_place):
    _, place = class_place
    assert [b.code for b in place.branches] == ["north-a", "north-b"]
    assert place.default.id == desk["branch"].id and place.class_id is not None


def test_a_class_import_puts_everyone_in_the_class_and_names_it(desk, class_place):
    staff, place = class_place
    token = preview_import(staff, place, desk["branch"], b"name,branch\nAna,\nLuis,north-b\n").token
    created = import_from_preview(staff, place, token, desk["branch"].id)
    members = db.session.scalars(
        select(ClassMember.user_id).where(ClassMember.class_id == place.class_id)
    ).all()
    assert sorted(members) == sorted(c.user.id for c in created)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "patrons.imported"))
    assert event.details["class_id"] == place.class_id


def test_a_class_import_refuses_rows_of_another_system(desk, class_place):
    staff, place = class_place
    error = refusal(
        preview_import, staff, place, desk["branch"], b"name,branch\nAna,north-b\nLuis,south-a\n"
    )
    assert [(p.line, p.code) for p in error.problems] == [(3, "branch-outside-class")]


def test_a_class_preview_cannot_be_made_at_the_desk_nor_a_desk_preview_in_a_class(
    desk, class_place
):
    staff, place = class_place
    class_token = preview_import(staff, place, desk["branch"], b"name\nAna\n").token
    desk_place = desk_import_place(staff)
    desk_token = preview_import(staff, desk_place, desk["branch"], b"name\nAna\n").token
    for call in [
        lambda: import_from_preview(staff, desk_place, class_token, desk["branch"].id),
        lambda: import_from_preview(staff, place, desk_token, desk["branch"].id),
    ]:
        assert refusal(call).reason == Refused.PREVIEW_INVALID


def test_a_patron_who_cannot_join_the_class_undoes_every_account(desk, class_place, monkeypatch):
    staff, place = class_place
    token = preview_import(staff, place, desk["branch"], b"name\nAna\nLuis\n").token
    before = count(User)

    def refuse(self, actor, patrons):
        raise PatronImportError(PatronImportError.CHANGED_SINCE_PREVIEW)

    monkeypatch.setattr(ClassImportPlace, "welcome", refuse)
    assert refusal(import_from_preview, staff, place, token, desk["branch"].id).reason == (
        Refused.CHANGED_SINCE_PREVIEW
    )
    assert count(User) == before and count(ClassMember) == 0
