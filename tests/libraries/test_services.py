"""Organisation rules, who sees which organisation, and the audit events changes leave."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.extensions import db
from course_app.libraries.access import require_visible, visible_organisation_ids
from course_app.libraries.models import Organisation
from course_app.libraries.models import OrganisationKind as Kind
from course_app.libraries.services import (
    OrganisationError,
    code_from_name,
    create_organisation,
    organisation_tree,
    rename_organisation,
    set_user_library,
)
from tests.factories import make_library_tree, make_user


@pytest.fixture
def tree(app_ctx):
    ids = make_library_tree()
    db.session.commit()
    return ids


def org(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


# Creating and renaming


def test_create_makes_a_branch_under_a_system_with_a_code_from_its_name(tree):
    admin = make_user("boss", "admin")
    branch = create_organisation(admin, Kind.BRANCH, "  Biblioteca  Núñez ", parent=org("north"))
    assert (branch.kind, branch.name, branch.code) == (
        "branch",
        "Biblioteca Núñez",
        "biblioteca-nunez",
    )
    assert branch.parent_id == tree["north"]
    event = events("organisation.created")[-1]
    assert (event.actor_id, event.organisation_id, event.target_type, event.target_id) == (
        admin.id,
        branch.id,
        "organisations",
        branch.id,
    )
    assert event.details == {"name": "Biblioteca Núñez", "code": "biblioteca-nunez"}


@pytest.mark.parametrize(
    ("kind", "parent_code", "reason"),
    [
        (Kind.BRANCH, "network", OrganisationError.WRONG_PARENT_KIND),
        (Kind.BRANCH, "north-a", OrganisationError.WRONG_PARENT_KIND),
        (Kind.SYSTEM, "north", OrganisationError.WRONG_PARENT_KIND),
        (Kind.BRANCH, None, OrganisationError.PARENT_NEEDED),
        (Kind.SYSTEM, None, OrganisationError.PARENT_NEEDED),
        (Kind.NETWORK, "network", OrganisationError.PARENT_NOT_ALLOWED),
    ],
)
def test_create_refuses_a_parent_of_the_wrong_kind_and_changes_nothing(
    tree, kind, parent_code, reason
):
    before = organisation_count(), len(events())
    with pytest.raises(OrganisationError) as raised:
        create_organisation(
            None, kind, "Somewhere", parent=org(parent_code) if parent_code else None
        )
    assert raised.value.reason == reason
    assert (organisation_count(), len(events())) == before


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("", None, OrganisationError.NAME_EMPTY),
        ("   ", None, OrganisationError.NAME_EMPTY),
        ("x" * 121, None, OrganisationError.NAME_TOO_LONG),
        ("North A", "north-a", OrganisationError.CODE_TAKEN),
        ("North A", "NORTH-A", OrganisationError.CODE_TAKEN),
        ("Branch", "has space", OrganisationError.CODE_INVALID),
        ("Branch", "c" * 41, OrganisationError.CODE_TOO_LONG),
        ("!!! ???", None, OrganisationError.CODE_INVALID),
    ],
)
def test_create_refuses_bad_names_and_codes(tree, name, code, reason):
    before = organisation_count()
    with pytest.raises(OrganisationError) as raised:
        create_organisation(None, Kind.BRANCH, name, parent=org("north"), code=code)
    assert raised.value.reason == reason
    assert organisation_count() == before


def test_code_from_name_is_ascii_lower_case_and_fits():
    assert code_from_name("Main St. — Branch #2") == "main-st-branch-2"
    assert len(code_from_name("Long name " * 10)) <= 40


def test_rename_keeps_the_code_and_records_old_and_new_names(tree):
    north_a = org("north-a")
    rename_organisation(None, north_a, "Northside Branch")
    assert (north_a.name, north_a.code) == ("Northside Branch", "north-a")
    event = events("organisation.renamed")[-1]
    assert event.details == {"old_name": "North A", "name": "Northside Branch"}
    assert event.actor_id is None


def test_rename_to_the_same_name_records_nothing(tree):
    rename_organisation(None, org("north-a"), " North A ")
    assert events("organisation.renamed") == []


def test_rename_refuses_an_empty_or_too_long_name(tree):
    for name in ("", "y" * 121):
        with pytest.raises(OrganisationError):
            rename_organisation(None, org("north-a"), name)
    assert org("north-a").name == "North A"


# Placing users


def test_set_user_library_places_a_librarian_and_records_it(tree):
    librarian = make_user("lib", "librarian")
    set_user_library(None, librarian, org("north-a"), sees_whole_system=True)
    assert (librarian.organisation_id, librarian.sees_whole_system) == (tree["north-a"], True)
    event = events("user.library_set")[-1]
    assert (event.target_type, event.target_id, event.organisation_id) == (
        "users",
        librarian.id,
        tree["north-a"],
    )
    assert event.details["sees_whole_system"] is True


def test_only_librarians_can_see_a_whole_system(tree):
    learner = make_user("pat", "learner")
    with pytest.raises(OrganisationError) as raised:
        set_user_library(None, learner, org("north-a"), sees_whole_system=True)
    assert raised.value.reason == OrganisationError.WHOLE_SYSTEM_LIBRARIANS_ONLY
    assert learner.organisation_id is None


def test_a_librarian_cannot_sit_on_the_network_but_staff_can(tree):
    librarian = make_user("lib", "librarian")
    with pytest.raises(OrganisationError):
        set_user_library(None, librarian, org("network"))
    staff = make_user("staffer", "staff")
    set_user_library(None, staff, org("network"))
    assert staff.organisation_id == tree["network"]


# Who sees what


def visible_codes(user: User) -> set[str]:
    query = select(Organisation.code).where(Organisation.id.in_(visible_organisation_ids(user)))
    return set(db.session.scalars(query))


def placed(username: str, role: str, code: str | None, whole: bool = False) -> User:
    user = make_user(username, role)
    if code:
        set_user_library(None, user, org(code), sees_whole_system=whole)
    return user


def test_admin_and_staff_see_every_organisation(tree):
    every = set(tree)
    assert visible_codes(placed("boss", "admin", None)) == every
    assert visible_codes(placed("staffer", "staff", "north-a")) == every


def test_a_librarian_sees_only_their_branch(tree):
    assert visible_codes(placed("lib", "librarian", "north-a")) == {"north-a"}


def test_a_librarian_granted_the_whole_system_sees_its_branches_and_no_other_system(tree):
    assert visible_codes(placed("lib", "librarian", "north-a", whole=True)) == {
        "north",
        "north-a",
        "north-b",
    }


def test_a_librarian_on_a_system_sees_its_branches(tree):
    assert visible_codes(placed("lib", "librarian", "south")) == {"south", "south-a", "south-b"}


def test_learners_and_unplaced_librarians_see_nothing(tree):
    assert visible_codes(placed("pat", "learner", "north-a")) == set()
    assert visible_codes(placed("lib", "librarian", None)) == set()


def test_require_visible_is_a_404_for_another_branch(tree):
    from werkzeug.exceptions import NotFound

    librarian = placed("lib", "librarian", "north-a")
    assert require_visible(librarian, org("north-a")).code == "north-a"
    for code in ("north-b", "north", "south-a", "network"):
        with pytest.raises(NotFound):
            require_visible(librarian, org(code))
    with pytest.raises(NotFound):
        require_visible(librarian, None)


# The tree


def test_tree_puts_children_under_parents_with_patron_counts(tree):
    for n in range(3):
        placed(f"patron{n}", "learner", "north-a")
    placed("patron-south", "learner", "south-b")
    placed("lib", "librarian", "north-a")  # librarians are not patrons
    rows = organisation_tree(select(Organisation.id))
    assert [(r.organisation.code, r.depth, r.patrons) for r in rows] == [
        ("network", 0, 0),
        ("north", 1, 0),
        ("north-a", 2, 3),
        ("north-b", 2, 0),
        ("south", 1, 0),
        ("south-a", 2, 0),
        ("south-b", 2, 1),
    ]


def test_a_librarians_tree_starts_at_their_own_organisation(tree):
    librarian = placed("lib", "librarian", "south-a", whole=True)
    rows = organisation_tree(visible_organisation_ids(librarian))
    assert [(r.organisation.code, r.depth) for r in rows] == [
        ("south", 0),
        ("south-a", 1),
        ("south-b", 1),
    ]


def test_a_librarians_tree_counts_the_patrons_of_each_of_their_libraries(tree):
    placed("patron-a", "learner", "south-a")
    placed("patron-b1", "learner", "south-b")
    placed("patron-b2", "learner", "south-b")
    placed("patron-north", "learner", "north-a")
    librarian = placed("lib", "librarian", "south-a", whole=True)
    rows = organisation_tree(visible_organisation_ids(librarian))
    assert [(r.organisation.code, r.patrons) for r in rows] == [
        ("south", 0),
        ("south-a", 1),
        ("south-b", 2),
    ]
