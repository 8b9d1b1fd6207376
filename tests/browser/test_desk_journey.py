"""At the desk, in the browser with CSRF on and axe on every page: a librarian makes a patron
account and its sign-in card, imports ten patrons (one bad row first), prints the batch of
cards, and a patron signs in with a card and must choose their own password."""

from __future__ import annotations

import re

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.services import find_organisation, set_user_library
from tests.browser.conftest import checked, go
from tests.browser.test_libraries_journey import click_to, sign_in_as, sign_out
from tests.factories import make_library_tree

# Posts a copy of a form, [action, [[name, value], ...]], as a second click would.
SEND_AGAIN = """([action, fields]) => {
  const form = Object.assign(document.createElement("form"), {method: "post", action});
  for (const [name, value] of fields) {
    form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
  }
  document.body.append(form);
  setTimeout(() => form.submit());
}"""


def csv_file(rows: list[str]) -> dict:
    text = "name,card_number,email,branch\n" + "\n".join(rows) + "\n"
    return {"name": "class.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8-sig")}


def card_values(page, label: str) -> list[str]:
    return [dd.inner_text().strip() for dd in page.locator(f"dt:text-is('{label}') + dd").all()]


def test_librarian_makes_accounts_and_cards_and_a_patron_chooses_a_password(app, page, make_user):
    make_user("lib", "librarian")
    with app.app_context():
        make_library_tree()
        user = db.session.scalar(select(User).where(User.username == "lib"))
        set_user_library(None, user, find_organisation("north-a"))
        db.session.commit()

    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Patrons", exact=True))
    click_to(page, page.get_by_role("link", name="New patron account"))
    page.get_by_label("Name or nickname").fill("María López")
    click_to(page, page.get_by_role("button", name="Suggest a username"))
    assert page.get_by_label("Username (optional)").input_value() == "maria.lopez"
    page.get_by_label("Library card number (optional)").fill("2 1234 5678 9012 3")
    click_to(page, page.get_by_role("button", name="Create account"))
    assert page.get_by_role("heading", name="The account for María López is ready").is_visible()
    assert card_values(page, "Username") == ["maria.lopez"]
    [passphrase] = card_values(page, "Temporary password")
    assert page.get_by_text("•••• 0123").is_visible()
    assert "21234567890123" not in page.content()
    assert page.get_by_role("img", name="QR code that opens the sign-in page").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print").is_visible()  # shown by print.js

    # Ten patrons from a file, one row bad: the preview names it and nothing is saved.
    click_to(page, page.get_by_role("link", name="Back to patrons"))
    click_to(page, page.get_by_role("link", name="Import patrons from a CSV file"))
    rows = [f"Class Member {n},3000000{n:03d},," for n in range(10)]
    bad = rows.copy()
    bad[6] = "Class Member 6,3000000006,not-an-email,"
    page.get_by_label("CSV file").set_input_files(csv_file(bad))
    click_to(page, page.get_by_role("button", name="Check the file"))
    alert = page.get_by_role("alert")
    assert alert.get_by_text("1 problem: nothing was saved").is_visible()
    assert alert.get_by_text(
        "Line 8, column email: This does not look like an email address."
    ).is_visible()
    assert page.get_by_role("button", name=re.compile("Create")).count() == 0

    page.get_by_label("CSV file").set_input_files(csv_file(rows))
    click_to(page, page.get_by_role("button", name="Check the file"))
    assert page.get_by_role("row").count() == 11
    preview_form = page.locator("form", has=page.get_by_role("button", name="Create 10 accounts"))
    preview_form = preview_form.evaluate("f => [f.action, [...new FormData(f).entries()]]")
    click_to(page, page.get_by_role("button", name="Create 10 accounts"))
    assert page.get_by_role("heading", name="10 accounts are ready").is_visible()
    assert page.locator("article.signin-card").count() == 10
    usernames = card_values(page, "Username")
    assert usernames[:2] == ["class.member.0", "class.member.1"]
    passphrases = card_values(page, "Temporary password")
    assert len(set(passphrases)) == 10
    # Printed, the cards share pages (tests/browser/test_signin_cards.py counts them).
    page.emulate_media(media="print")
    breaks = page.locator("article.signin-card").evaluate_all(
        "cards => cards.map(c => getComputedStyle(c).breakBefore)"
    )
    assert "page" not in breaks
    page.emulate_media(media="screen")

    # The same preview sent again makes nobody twice: a 409 page says so.
    with page.expect_navigation():
        page.evaluate(SEND_AGAIN, preview_form)
    checked(page)
    assert page.get_by_role("heading", name="That could not be done").is_visible()
    assert page.get_by_text("These accounts were already made.").is_visible()

    go(page, "/desk/patrons")
    page.get_by_label("Name, username or card number").fill("3000000004")
    click_to(page, page.get_by_role("button", name="Search"))
    assert page.get_by_role("cell", name="Class Member 4", exact=True).is_visible()
    assert page.get_by_role("row").count() == 2  # the header and the one patron
    sign_out(page)

    # A patron signs in with their card and must choose a password first.
    go(page, "/account/sign-in")
    page.get_by_label("Username").fill(usernames[3])
    page.get_by_label("Password").fill(passphrases[3])
    click_to(page, page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", name="Choose your own password").is_visible()
    go(page, "/my-learning")
    assert page.get_by_role("heading", name="Choose your own password").is_visible()
    page.get_by_label("Your new password").fill(passphrases[3])
    click_to(page, page.get_by_role("button", name="Save my password"))
    assert page.get_by_text("not the one on your card").first.is_visible()
    page.get_by_label("Your new password").fill("my blue garden gate")
    click_to(page, page.get_by_role("button", name="Save my password"))
    assert page.get_by_text("Your password is saved.").is_visible()
    assert page.url.endswith("/my-learning")
    checked(page)


def test_librarian_gives_a_reset_code_and_the_patron_chooses_a_new_password(app, page, make_user):
    make_user("lib", "librarian")
    make_user("ana", display_name="Ana Ruiz")
    with app.app_context():
        make_library_tree()
        for username in ("lib", "ana"):
            user = db.session.scalar(select(User).where(User.username == username))
            set_user_library(None, user, find_organisation("north-a"))
        db.session.commit()

    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Patrons", exact=True))
    click_to(page, page.get_by_role("link", name="Reset code for Ana Ruiz"))
    click_to(page, page.get_by_role("button", name="Make a reset code"))
    [code] = card_values(page, "Reset code")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    sign_out(page)

    go(page, "/account/sign-in")
    click_to(page, page.get_by_role("link", name="choose a new password with the code"))
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Reset code").fill(code.lower().replace("-", " "))
    page.get_by_label("Your new password").fill("sunny window seat")
    click_to(page, page.get_by_role("button", name="Save my password"))
    assert page.get_by_text("Your password is saved. Sign in with it now.").is_visible()
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("sunny window seat")
    click_to(page, page.get_by_role("button", name="Sign in"))
    assert page.get_by_text("You are signed in.").is_visible()
