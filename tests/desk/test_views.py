"""The desk over HTTP with CSRF on: real forms, what the pages show, and what they never show."""

from __future__ import annotations

import html
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.desk.models import LibraryCard
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.conftest import csrf_token_from, sign_in, signed_in
from tests.factories import make_library_tree
from tests.test_query_counts import queries_for


@pytest.fixture
def tree(app):
    with app.app_context():
        ids = make_library_tree()
        db.session.commit()
        return ids


@pytest.fixture
def librarian(app, csrf_app, tree, make_user):
    """A client with CSRF on, signed in as a librarian of north-a who sees the north system."""
    make_user("lib", "librarian")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "lib"))
        set_user_library(
            None, user, db.session.get(Organisation, tree["north-a"]), sees_whole_system=True
        )
        db.session.commit()
    return signed_in(csrf_app, "lib")


def post_form(client, url, data, **kw):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kw)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def passphrases_on(page: str) -> list[str]:
    return re.findall(r"Temporary password</dt><dd class=\"code big\">([a-z ]+)</dd>", page)


# One patron at the desk


def test_librarian_creates_a_patron_and_sees_the_sign_in_card_once(app, librarian, tree):
    response = post_form(
        librarian,
        "/desk/patrons/new",
        {
            "name": "María López",
            "username": "",
            "card_number": "2 1234 5678 9012 3",
            "email": "",
            "organisation_id": str(tree["north-b"]),
            "submit": "Create account",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "maria.lopez" in page and "•••• 0123" in page
    assert "2123456789" not in page
    assert "<svg" in page and 'aria-label="QR code that opens the sign-in page"' in page
    assert "http://localhost/account/sign-in" in page
    [passphrase] = passphrases_on(page)
    assert len(passphrase.split()) == 4
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "maria.lopez"))
        assert user.must_change_password and user.organisation_id == tree["north-b"]
    # The list shows the patron with the card masked; the full number finds them.
    listing = text(librarian.get("/desk/patrons?q=21234567890123"))
    assert "María López" in listing and "•••• 0123" in listing and passphrase not in listing


def test_suggest_fills_in_a_free_username_and_saves_nothing(app, librarian, make_user):
    make_user("ana.ruiz")
    before = count_users(app)
    response = post_form(
        librarian, "/desk/patrons/new", {"name": "Ana Ruiz", "suggest": "Suggest a username"}
    )
    assert response.status_code == 200
    assert 'value="ana.ruiz2"' in text(response)
    assert count_users(app) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the patron's name or a nickname."),
        ("card_number", "12/34", "Use only letters and numbers"),
        ("card_number", "123", "A card number has at least 6 characters."),
        ("email", "nope", "That does not look like an email address."),
        ("username", "a b", "Use letters, numbers, dots, dashes or _ only."),
        ("username", "lib", "That username is taken."),
        ("organisation_id", "999999", "Not a valid choice"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(app, librarian, tree, field, value, message):
    data = {"name": "Ana", "organisation_id": str(tree["north-a"]), "submit": "Create account"}
    before = count_users(app)
    response = post_form(librarian, "/desk/patrons/new", {**data, field: value})
    assert response.status_code == 400
    assert message in text(response)
    assert count_users(app) == before


def test_a_used_card_number_is_refused(app, librarian, tree):
    data = {"organisation_id": str(tree["north-a"]), "submit": "Create account"}
    post_form(librarian, "/desk/patrons/new", {**data, "name": "Ana", "card_number": "99887766"})
    response = post_form(
        librarian, "/desk/patrons/new", {**data, "name": "Luis", "card_number": "9988-7766"}
    )
    assert response.status_code == 400
    assert "already used by another patron" in text(response)


def test_a_branch_outside_the_librarians_system_cannot_be_chosen(app, librarian, tree):
    page = text(librarian.get("/desk/patrons/new"))
    assert "North A" in page and "North B" in page and "South A" not in page
    response = post_form(
        librarian,
        "/desk/patrons/new",
        {"name": "Ana", "organisation_id": str(tree["south-a"]), "submit": "Create account"},
    )
    assert response.status_code == 400


def test_the_form_refuses_a_post_without_its_csrf_token(app, librarian, tree):
    response = librarian.post(
        "/desk/patrons/new",
        data={"name": "Ana", "organisation_id": str(tree["north-a"]), "submit": "Create account"},
    )
    assert response.status_code == 400
    assert count_users(app) == 1


# First sign-in


def test_patron_must_choose_a_password_before_anything_else(app, csrf_app, librarian, tree):
    page = text(
        post_form(
            librarian,
            "/desk/patrons/new",
            {"name": "Pat Doe", "organisation_id": str(tree["north-a"]), "submit": "Create"},
        )
    )
    [passphrase] = passphrases_on(page)
    patron = signed_in(csrf_app, "pat.doe", passphrase)
    for url in ("/my-learning", "/", "/account/", "/desk/patrons"):
        response = patron.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/choose-password")
    url = "/account/choose-password"
    for bad, why in [
        ("password", "too common"),
        (passphrase, "not the one on your card"),
        ("short", "at least 8"),
    ]:
        response = post_form(patron, url, {"password": bad})
        assert response.status_code == 400 and why in text(response)
    response = post_form(patron, url, {"password": "my own garden path"})
    assert response.status_code == 302
    assert patron.get("/my-learning").status_code == 200
    assert patron.get(url).status_code == 302  # nothing left to choose
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "pat.doe"))
        assert not user.must_change_password


# Reset codes


def test_reset_code_lets_the_patron_choose_a_new_password_once(app, csrf_app, librarian, tree):
    page = text(
        post_form(
            librarian,
            "/desk/patrons/new",
            {"name": "Pat Doe", "organisation_id": str(tree["north-a"]), "submit": "Create"},
        )
    )
    assert passphrases_on(page)
    with app.app_context():
        patron_id = db.session.scalar(select(User.id).where(User.username == "pat.doe"))
    response = post_form(librarian, f"/desk/patrons/{patron_id}/reset-code", {})
    assert response.status_code == 200
    code = re.search(
        r"Reset code</dt><dd class=\"code big\">([A-Z0-9]{4}-[A-Z0-9]{4})<", text(response)
    )
    assert code
    public = csrf_app.test_client()
    data = {"username": "pat.doe", "code": code.group(1), "password": "a path of my own"}
    response = post_form(public, "/account/reset", data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/sign-in")
    assert signed_in(csrf_app, "pat.doe", "a path of my own").get("/my-learning").status_code == 200
    again = post_form(public, "/account/reset", {**data, "password": "another path again"})
    assert again.status_code == 400 and "Ask the library for a new code" in text(again)


def test_reset_page_is_rate_limited_like_sign_in(app, make_user):
    from course_app import create_app
    from course_app.config import TestConfig

    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = True
        SIGN_IN_RATE_LIMIT = "3 per minute"

    client = create_app(Limited).test_client()
    data = {"username": "x", "code": "AAAA-AAAA", "password": "whatever words"}
    statuses = [client.post("/account/reset", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


# CSV import


def upload(client, content: bytes, branch_id: int, name="patrons.csv"):
    token = csrf_token_from(client.get("/desk/patrons/import").get_data(as_text=True))
    return client.post(
        "/desk/patrons/import",
        data={
            "csrf_token": token,
            "organisation_id": str(branch_id),
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def confirm_data(page: str) -> dict:
    fields = dict(
        re.findall(r'name="(csrf_token|token|organisation_id)"[^>]*value="([^"]*)"', page)
    )
    assert set(fields) == {"csrf_token", "token", "organisation_id"}, fields
    return fields


def test_import_preview_names_every_problem_and_saves_nothing(app, librarian, tree):
    before = count_users(app)
    response = upload(
        librarian,
        b"name,card_number,email,branch\nAna,11112222,,\n,,a@example.org,\nLuis,11112222,bad,south-a\n",
        tree["north-a"],
    )
    assert response.status_code == 422
    page = text(response)
    for expected in [
        "Line 3, column name: The name is missing.",
        "Line 4, column card_number: This card number is also on line 2.",
        "Line 4, column email: This does not look like an email address.",
        "Line 4, column branch: There is no branch with this code among your libraries.",
    ]:
        assert expected in page
    assert 'name="token"' not in page and "Create 3" not in page
    assert "11112222" not in page
    assert count_users(app) == before


def test_import_creates_all_rows_once_and_shows_every_card(app, librarian, tree):
    rows = "".join(f"Person {n},2000000{n:03d},,{'north-b' if n % 2 else ''}\n" for n in range(10))
    response = upload(
        librarian, ("\ufeffname,card_number,email,branch\n" + rows).encode(), tree["north-a"]
    )
    assert response.status_code == 200
    page = text(response)
    assert "Create 10 accounts" in page and "2000000" not in page
    fields = confirm_data(response.get_data(as_text=True))
    created = librarian.post("/desk/patrons/import/create", data=fields)
    assert created.status_code == 200
    cards = text(created)
    assert "10 accounts are ready" in cards
    assert len(set(passphrases_on(cards))) == 10
    assert cards.count('class="signin-card"') == 10
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LibraryCard)) == 10
        in_b = db.session.scalar(
            select(func.count()).select_from(User).where(User.organisation_id == tree["north-b"])
        )
        assert in_b == 5
    # The same preview sent again makes nobody twice, and says so.
    again = librarian.post("/desk/patrons/import/create", data=fields)
    assert again.status_code == 409
    assert "These accounts were already made. Find them in the list of patrons." in text(again)
    assert count_users(app) == 11


PREVIEW_INVALID = "This preview is too old or was changed. Please upload the file again."


def test_a_changed_or_foreign_preview_token_is_refused(app, librarian, csrf_app, tree, make_user):
    response = upload(librarian, b"name\nAna\n", tree["north-a"])
    fields = confirm_data(response.get_data(as_text=True))
    tampered = {**fields, "token": fields["token"][:-3] + "abc"}
    refused = librarian.post("/desk/patrons/import/create", data=tampered)
    assert refused.status_code == 409 and PREVIEW_INVALID in text(refused)
    other_branch = {**fields, "organisation_id": str(tree["north-b"])}
    refused = librarian.post("/desk/patrons/import/create", data=other_branch)
    assert refused.status_code == 409 and PREVIEW_INVALID in text(refused)
    make_user("lib2", "librarian")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "lib2"))
        set_user_library(None, user, db.session.get(Organisation, tree["north-a"]))
        db.session.commit()
    other = signed_in(csrf_app, "lib2")
    token = csrf_token_from(other.get("/desk/patrons/import").get_data(as_text=True))
    stolen = {**fields, "csrf_token": token}
    refused = other.post("/desk/patrons/import/create", data=stolen)
    assert refused.status_code == 409 and PREVIEW_INVALID in text(refused)
    assert count_users(app) == 2


def test_a_card_used_since_the_preview_stops_the_whole_import(app, librarian, tree):
    response = upload(librarian, b"name,card_number\nAna,55556666\nLuis,\n", tree["north-a"])
    fields = confirm_data(response.get_data(as_text=True))
    post_form(
        librarian,
        "/desk/patrons/new",
        {
            "name": "Eva",
            "card_number": "55556666",
            "organisation_id": str(tree["north-a"]),
            "submit": "Create",
        },
    )
    before = count_users(app)
    response = librarian.post("/desk/patrons/import/create", data=fields)
    assert response.status_code == 409
    assert "Line 2: This card number is already used" in text(response)
    assert count_users(app) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00", "This is not a CSV file we can read."),
        (b"nombre,correo\nAna,a@b.org\n", "a column we do not know: “nombre”"),
        ("name\nMaría\n".encode("latin-1"), "This is not a CSV file we can read."),
        (b"email,card_number\na@b.org,11112222\n", "one must be “name”"),
        (b"", "The file is empty."),
        (b"name\n" + b"P\n" * 501, "more than 500 patrons"),
        (b"name,branch\nAna,\nLuis,nowhere\n", "Line 3, column branch: There is no branch"),
    ],
)
def test_files_that_are_not_patron_csvs_are_explained(app, librarian, tree, content, message):
    before = count_users(app)
    response = upload(librarian, content, tree["north-b"])
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'name="token"' not in page and count_users(app) == before
    # The form to upload the file again keeps the library chosen.
    assert re.search(rf'<option selected value="{tree["north-b"]}">', page)


def test_a_refused_preview_gives_the_409_page_with_a_way_back(app, librarian, tree):
    page = upload(librarian, b"name\nAna\n", tree["north-a"]).get_data(as_text=True)
    forged = {**confirm_data(page), "token": "forged"}
    came_from = "http://localhost/desk/patrons/import"
    response = librarian.post(
        "/desk/patrons/import/create", data=forged, headers={"Referer": came_from}
    )
    assert response.status_code == 409
    page = text(response)
    assert "<h1>That could not be done</h1>" in page
    assert PREVIEW_INVALID in page
    assert f'<a class="button" href="{came_from}">Go back</a>' in page
    assert "<html lang=" in page  # the site's layout, not a bare error
    assert count_users(app) == 1


@pytest.mark.parametrize(
    "came_from",
    [
        "https://evil.example/desk/patrons/import",
        "http://localhost/desk/patrons/import/create",  # a form's address: no page to open
        "http://localhost/no-such-page",
    ],
)
def test_the_409_page_speaks_spanish_and_links_back_only_to_a_page_of_this_site(
    app, librarian, tree, came_from
):
    page = upload(librarian, b"name\nAna\n", tree["north-a"]).get_data(as_text=True)
    forged = {**confirm_data(page), "token": "forged"}
    response = librarian.post(
        "/desk/patrons/import/create",
        data=forged,
        headers={"Accept-Language": "es", "Referer": came_from},
    )
    assert response.status_code == 409
    page = text(response)
    assert "No se pudo hacer" in page
    assert "Esta vista previa es muy antigua o fue cambiada." in page
    assert came_from not in page and "Volver" not in page
    assert "Ir a la lista de cursos" in page


def test_two_clicks_on_create_at_once_make_every_account_once(app, tree, make_user):
    make_user("lib", "librarian")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "lib"))
        set_user_library(None, user, db.session.get(Organisation, tree["north-a"]))
        db.session.commit()
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        sign_in(client, "lib")
    rows = "".join(f"Person {n}\n" for n in range(20))
    page = upload(clients[0], ("name\n" + rows).encode(), tree["north-a"])
    fields = confirm_data(page.get_data(as_text=True))
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(
            pool.map(lambda c: c.post("/desk/patrons/import/create", data=fields), clients)
        )
    assert sorted(r.status_code for r in responses) == [200, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "These accounts were already made." in text(refused)
    assert count_users(app) == 21


def test_the_template_downloads_with_the_documented_columns(librarian):
    response = librarian.get("/desk/patrons/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("\ufeffname,card_number,email,branch")


# The list of patrons


def test_the_patron_list_uses_the_same_queries_for_few_or_many(app, librarian, tree):
    from course_app.desk.services import NewPatron, create_patron

    def add(n: int) -> None:
        with app.app_context():
            actor = db.session.scalar(select(User).where(User.username == "lib"))
            branch = db.session.get(Organisation, tree["north-a"])
            for i in range(n):
                create_patron(
                    actor,
                    NewPatron(
                        name=f"P {i}",
                        username=f"p{n}-{i}",
                        organisation=branch,
                        card_number=f"{n:02d}{i:06d}",
                    ),
                )
            db.session.commit()

    add(3)
    few = queries_for(app, librarian, "/desk/patrons")
    add(40)
    many = queries_for(app, librarian, "/desk/patrons")
    assert few == many
    searched = queries_for(app, librarian, "/desk/patrons?q=P+1&page=2")
    assert searched == many


def test_a_librarian_of_another_system_never_sees_the_patron(
    app, csrf_app, librarian, tree, make_user
):
    post_form(
        librarian,
        "/desk/patrons/new",
        {"name": "Ana North", "organisation_id": str(tree["north-a"]), "submit": "Create"},
    )
    make_user("southlib", "librarian")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "southlib"))
        set_user_library(
            None, user, db.session.get(Organisation, tree["south-a"]), sees_whole_system=True
        )
        patron_id = db.session.scalar(select(User.id).where(User.username == "ana.north"))
        db.session.commit()
    south = signed_in(csrf_app, "southlib")
    assert "Ana North" not in text(south.get("/desk/patrons?q=ana"))
    assert south.get(f"/desk/patrons/{patron_id}/reset-code").status_code == 404


def test_desk_actions_appear_in_the_audit_log(app, librarian, tree, make_user):
    post_form(
        librarian,
        "/desk/patrons/new",
        {"name": "Ana", "organisation_id": str(tree["north-a"]), "submit": "Create"},
    )
    make_user("boss", "staff")
    client = app.test_client()
    sign_in(client, "boss")
    page = text(client.get("/admin/audit"))
    assert "Patron account created" in page
