"""Library pages, admin editing with real forms, and the audit log, over HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.accounts.sign_in import SECURITY_ACTIONS
from course_app.audit.models import AuditEvent
from course_app.audit.services import record_event
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.conftest import csrf_token_from
from tests.conftest import signed_in as signed_in_client
from tests.factories import make_library_tree
from tests.test_query_counts import queries_for


@pytest.fixture
def tree(app):
    with app.app_context():
        ids = make_library_tree()
        db.session.commit()
        return ids


def place(app, username: str, code: str, whole: bool = False) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        set_user_library(None, user, org, sees_whole_system=whole)
        db.session.commit()


@pytest.fixture
def signed_in(app, make_user):
    def factory(username: str, role: str, code: str | None = None, whole: bool = False):
        make_user(username, role)
        if code:
            place(app, username, code, whole)
        return signed_in_client(app, username)

    return factory


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


# /libraries and /libraries/<id>


def test_a_librarian_sees_their_branch_with_its_patron_count(app, tree, make_user, signed_in):
    for name in ("pat1", "pat2"):
        make_user(name)
        place(app, name, "north-a")
    html = page(signed_in("lib", "librarian", "north-a"), "/libraries")
    assert "North A" in html
    assert re.search(r"north-a</span></td>\s*<td>2</td>", html)
    for other in ("North B", "North Library", "South A", "Tri-County Network"):
        assert other not in html


def test_a_whole_system_librarian_sees_every_branch_of_their_system_only(app, tree, signed_in):
    html = page(signed_in("lib", "librarian", "north-a", whole=True), "/libraries")
    assert "North Library" in html and "North A" in html and "North B" in html
    assert "South" not in html and "Tri-County Network" not in html


def test_staff_see_every_library_and_an_unplaced_librarian_is_told_why_none(app, tree, signed_in):
    html = page(signed_in("staffer", "staff"), "/libraries")
    for name in ("Tri-County Network", "North A", "South B"):
        assert name in html
    html = page(signed_in("lib", "librarian"), "/libraries")
    assert "You are not placed in a library yet" in html


def test_organisation_page_lists_its_people(app, tree, make_user, signed_in):
    make_user("pat", display_name="Pat Q. Reader")
    place(app, "pat", "north-a")
    client = signed_in("lib", "librarian", "north-a")
    html = page(client, f"/libraries/{tree['north-a']}")
    assert "Pat Q. Reader" in html and "Patron" in html and "lib" in html


def test_a_librarian_guessing_other_ids_gets_404_every_time(app, tree, signed_in):
    client = signed_in("lib", "librarian", "north-a")
    assert client.get(f"/libraries/{tree['north-a']}").status_code == 200
    for guess in [*range(1, max(tree.values()) + 3), 0, 999999]:
        if guess != tree["north-a"]:
            assert client.get(f"/libraries/{guess}").status_code == 404, guess


def test_a_whole_system_librarian_may_open_sister_branches_but_not_other_systems(
    app, tree, signed_in
):
    client = signed_in("lib", "librarian", "north-a", whole=True)
    for code in ("north", "north-b"):
        assert client.get(f"/libraries/{tree[code]}").status_code == 200
    for code in ("network", "south", "south-a"):
        assert client.get(f"/libraries/{tree[code]}").status_code == 404


def test_the_libraries_page_uses_one_query_however_many_libraries(app, tree, make_user, signed_in):
    client = signed_in("staffer", "staff")
    before = queries_for(app, client, "/libraries")
    with app.app_context():
        make_library_tree_under_new_network()
        db.session.commit()
    for n in range(5):
        make_user(f"pat{n}")
        place(app, f"pat{n}", "south-a")
    assert queries_for(app, client, "/libraries") == before


def make_library_tree_under_new_network() -> None:
    from course_app.libraries.models import OrganisationKind as Kind
    from course_app.libraries.services import create_organisation

    network = create_organisation(None, Kind.NETWORK, "Second Network")
    for s in range(3):
        system = create_organisation(None, Kind.SYSTEM, f"System {s}", parent=network)
        for b in range(3):
            create_organisation(None, Kind.BRANCH, f"Branch {s}-{b}", parent=system)


# /admin/libraries: real forms with CSRF on


@pytest.fixture
def admin_csrf_client(app, csrf_app, make_user):
    make_user("boss", "admin")
    return signed_in_client(csrf_app, "boss")


def org_by_code(app, code: str) -> Organisation | None:
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if org is not None:
            db.session.expunge(org)
        return org


def test_admin_creates_a_branch_through_the_form(app, tree, admin_csrf_client):
    html = page(admin_csrf_client, "/admin/libraries")
    form = {
        "csrf_token": csrf_token_from(html),
        "kind": "branch",
        "parent_id": str(tree["south"]),
        "name": "Riverside Branch",
        "code": "",
    }
    response = admin_csrf_client.post("/admin/libraries", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "Riverside Branch is created." in response.get_data(as_text=True)
    created = org_by_code(app, "riverside-branch")
    assert (created.kind, created.parent_id) == ("branch", tree["south"])
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert event.action == "organisation.created"
        assert event.actor.username == "boss"


def test_the_create_form_refuses_a_post_without_its_csrf_token(app, tree, admin_csrf_client):
    form = {"kind": "branch", "parent_id": str(tree["south"]), "name": "Sneaky"}
    assert admin_csrf_client.post("/admin/libraries", data=form).status_code == 400
    assert org_by_code(app, "sneaky") is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "branch", "parent": "network", "name": "X"}, "a branch in a library system"),
        ({"kind": "branch", "parent": None, "name": "X"}, "Choose where it belongs"),
        ({"kind": "network", "parent": "network", "name": "X"}, "A network sits at the top"),
        ({"kind": "branch", "parent": "north", "name": "North A"}, "Another organisation has"),
        ({"kind": "branch", "parent": "north", "name": "X", "code": "a b"}, "single dashes"),
        ({"kind": "branch", "parent": "north", "name": "x" * 121}, "Use 120 characters or fewer"),
        ({"kind": "branch", "parent": "north", "name": "  "}, "Enter a name."),
        ({"kind": "branch", "parent": 999999, "name": "X"}, "Not a valid choice"),
        ({"kind": "shelf", "parent": "north", "name": "X"}, "Not a valid choice"),
    ],
)
def test_the_create_form_explains_bad_input_and_changes_nothing(
    app, tree, admin_csrf_client, fields, message
):
    html = page(admin_csrf_client, "/admin/libraries")
    parent = fields["parent"]
    form = {
        "csrf_token": csrf_token_from(html),
        "kind": fields["kind"],
        "parent_id": str(tree[parent] if isinstance(parent, str) else parent or 0),
        "name": fields["name"],
        "code": fields.get("code", ""),
    }
    response = admin_csrf_client.post("/admin/libraries", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == len(tree)
        changes = AuditEvent.action.not_in(SECURITY_ACTIONS)  # sign-ins are recorded too
        assert db.session.scalar(
            select(db.func.count()).select_from(AuditEvent).where(changes)
        ) == len(tree)


def test_admin_renames_a_branch_and_the_audit_log_shows_it(app, tree, admin_csrf_client):
    url = f"/admin/libraries/{tree['north-a']}/edit"
    token = csrf_token_from(page(admin_csrf_client, url))
    response = admin_csrf_client.post(url, data={"csrf_token": token, "name": "Northside"})
    assert response.status_code == 302
    assert org_by_code(app, "north-a").name == "Northside"
    html = page(admin_csrf_client, "/admin/audit")
    assert "Library renamed" in html and "North A" in html and "Northside" in html


def test_rename_refuses_an_empty_name(app, tree, admin_csrf_client):
    url = f"/admin/libraries/{tree['north-a']}/edit"
    token = csrf_token_from(page(admin_csrf_client, url))
    response = admin_csrf_client.post(url, data={"csrf_token": token, "name": ""})
    assert response.status_code == 400
    assert "Enter a name." in response.get_data(as_text=True)
    assert org_by_code(app, "north-a").name == "North A"


# /admin/audit


def add_events(app, count: int, code: str) -> None:
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        actor = db.session.scalar(select(User).limit(1))
        for n in range(count):
            record_event(actor, "organisation.renamed", org, org, name=f"{code} name {n}")
        db.session.commit()


def test_audit_log_filters_by_library_including_its_branches(app, tree, signed_in):
    client = signed_in("staffer", "staff")
    add_events(app, 2, "north-a")
    add_events(app, 1, "south-b")
    html = page(client, f"/admin/audit?organisation_id={tree['north']}")
    assert "north-a name 1" in html and "south-b name 0" not in html
    assert "south-b name" not in html
    assert html.index("north-a name 1") < html.index("north-a name 0")
    html = page(client, f"/admin/audit?organisation_id={tree['south-b']}")
    assert "south-b name 0" in html and "north-a name" not in html


def test_audit_log_shows_50_a_page_newest_first(app, tree, signed_in):
    client = signed_in("staffer", "staff")
    add_events(app, 60, "north-a")  # plus 7 for the tree
    first = page(client, "/admin/audit")
    assert first.count("north-a name") == 50
    assert "north-a name 59" in first and "Page 1 of 2" in first and "Older changes" in first
    second = page(client, "/admin/audit?page=2")
    assert second.count("north-a name") == 10 and second.count("Added the library") == 7
    assert "north-a name 9”" in second and "Newer changes" in second


def test_audit_log_refuses_a_bad_filter_with_a_message(app, tree, signed_in):
    client = signed_in("staffer", "staff")
    for query in ("organisation_id=abc", "organisation_id=999999"):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 400, query
        assert "Please fix these problems" in response.get_data(as_text=True)
    for query in ("page=-3", "page=x"):  # a bad page number shows the first page
        assert client.get(f"/admin/audit?{query}").status_code == 200


def test_audit_log_queries_do_not_grow_with_events(app, tree, signed_in):
    client = signed_in("boss", "admin")
    # A full first page, so the boss's own sign-in event (which names a person, one more
    # query) is not on it in one count and off it in the other.
    add_events(app, 50, "north-a")
    few = queries_for(app, client, "/admin/audit")
    add_events(app, 70, "south-a")
    assert queries_for(app, client, "/admin/audit") == few
    assert queries_for(app, client, f"/admin/audit?organisation_id={tree['south']}") == few


def test_revoking_a_certificate_in_the_admin_is_audited_in_the_holders_library(
    app, tree, signed_in
):
    from tests.certificates.builders import build_course, certificate_for

    signed_in("pat", "learner", "south-a")
    with app.app_context():
        code = certificate_for("pat", build_course(title="Email basics"), name="Pat").code
        db.session.commit()
    client = signed_in("staffer", "staff")
    response = client.post(f"/admin/certificates/{code}/revoke", data={"reason": "A mistake"})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
        )
        assert event.organisation_id == tree["south-a"]
        assert event.actor.username == "staffer"
        assert event.details == {"code": code, "reason": "A mistake"}
    html = page(client, f"/admin/audit?organisation_id={tree['south']}")
    assert "Certificate revoked" in html and "A mistake" in html
