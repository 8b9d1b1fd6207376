"""Sign-in cards save paper: twenty new patrons print on four Letter or A4 pages (six a page,
two across), each card inside dashed cut lines with the library's name and where to get help."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.services import find_organisation, set_user_library
from tests.browser.conftest import checked, go, sign_in_as
from tests.browser.test_desk_journey import csv_file
from tests.factories import make_library_tree


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


@pytest.fixture
def twenty_cards(app, page, make_user):
    make_user("lib", "librarian")
    with app.app_context():
        make_library_tree()
        user = db.session.scalar(select(User).where(User.username == "lib"))
        set_user_library(None, user, find_organisation("north-a"))
        db.session.commit()
    sign_in_as(page, "lib")
    go(page, "/desk/patrons/import")
    rows = [f"Card Holder {n},4000000{n:03d},," for n in range(20)]
    page.get_by_label("CSV file").set_input_files(csv_file(rows))
    click_to(page, page.get_by_role("button", name="Check the file"))
    click_to(page, page.get_by_role("button", name="Create 20 accounts"))
    assert page.locator("article.signin-card").count() == 20
    return page


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_twenty_cards_print_on_four_pages(twenty_cards, paper):
    page = twenty_cards
    pdf = page.pdf(format=paper, print_background=False)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 4


def test_printed_cards_have_cut_lines_library_and_help(twenty_cards):
    page = twenty_cards
    first = page.locator("article.signin-card").first
    assert "North A" in first.inner_text()
    assert "Help: ask at your library's front desk." in first.inner_text()
    page.emulate_media(media="print")
    style = first.evaluate(
        "c => [getComputedStyle(c).borderTopStyle, getComputedStyle(c).breakInside]"
    )
    assert style == ["dashed", "avoid"]
    columns = page.locator(".signin-cards").evaluate(
        "g => getComputedStyle(g).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    page.emulate_media(media="screen")
