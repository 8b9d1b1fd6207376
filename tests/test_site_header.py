"""The cached site header: each viewer sees their own navigation, language and token."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer

from course_app.public_computer.marker import COOKIE_NAME
from tests.conftest import csrf_token_from, signed_in

LESSON = "/courses/sample-health-basics/lessons/where-to-start"
ES = {"Accept-Language": "es"}


def main_nav(html: str) -> list[str]:
    """The words of the main navigation, links and buttons, in order."""
    nav = re.search(r'<nav aria-label="[^"]+">\s*<ul class="nav-list">(.*?)</ul>', html, re.S)
    assert nav, "no main navigation on the page"
    return [w.strip() for w in re.findall(r"<(?:a|button)[^>]*>([^<]+)</", nav.group(1))]


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html))


@pytest.fixture
def viewers(csrf_app, make_user, sample_course):
    """Four people on the same lesson: roles and languages all different."""
    make_user("desk-es", "librarian", language="es")
    make_user("staff-en", "staff", language="en")
    make_user("reader-en", "learner", language="en")
    return {
        "librarian": (signed_in(csrf_app, "desk-es"), {}),
        "staff": (signed_in(csrf_app, "staff-en"), {}),
        "learner": (signed_in(csrf_app, "reader-en"), {}),
        "guest": (csrf_app.test_client(), ES),
    }


EXPECTED_NAV = {
    "librarian": [
        "Cursos",
        "Mi aprendizaje",
        "Bibliotecas",
        "Usuarios",
        "Clases",
        "Informes",
        "Mi cuenta",
        "Cerrar sesión",
    ],
    "staff": [
        "Courses",
        "My learning",
        "Libraries",
        "Patrons",
        "Classes",
        "Reports",
        "Certificates admin",
        "Audit log",
        "My account",
        "Sign out",
    ],
    "learner": ["Courses", "My learning", "My account", "Sign out"],
    "guest": ["Cursos", "Mi aprendizaje", "Iniciar sesión", "Crear una cuenta"],
}
EXPECTED_LANG = {"librarian": "es", "staff": "en", "learner": "en", "guest": "es"}


def test_people_taking_turns_on_a_page_each_see_their_own_header(viewers):
    seen: dict[str, set[str]] = {}
    for _round in range(3):
        for who, (client, headers) in viewers.items():
            html = client.get(LESSON, headers=headers).get_data(as_text=True)
            assert main_nav(html) == EXPECTED_NAV[who], who
            assert html_lang(html) == EXPECTED_LANG[who], who
            page_tokens = tokens(html)
            assert len(page_tokens) == 1, who  # one token per page, the visitor's own
            seen.setdefault(who, set()).update(page_tokens)
    every = [t for ts in seen.values() for t in ts]
    assert len(every) == len(set(every)), "a token was shown to two people"


def test_each_persons_header_token_works_for_them_and_no_one_else(viewers):
    pages = {
        who: client.get(LESSON, headers=headers).get_data(as_text=True)
        for who, (client, headers) in viewers.items()
    }
    guest, _ = viewers["guest"]
    staff, _ = viewers["staff"]
    staff_token = csrf_token_from(pages["staff"])
    refused = guest.post("/account/language", data={"language": "en", "csrf_token": staff_token})
    assert refused.status_code == 400
    switched = guest.post(
        "/account/language",
        data={"language": "en", "csrf_token": csrf_token_from(pages["guest"]), "next": LESSON},
    )
    assert switched.status_code == 302 and switched.headers["Location"] == LESSON


def test_the_language_switch_changes_the_language_of_a_cached_page(csrf_app, sample_course):
    client = csrf_app.test_client()
    for _ in range(2):  # the second time from the cache
        english = client.get(LESSON).get_data(as_text=True)
        assert html_lang(english) == "en" and "Español" in english
    response = client.post(
        "/account/language",
        data={"language": "es", "csrf_token": csrf_token_from(english), "next": LESSON},
    )
    assert response.status_code == 302
    for _ in range(2):
        spanish = client.get(LESSON).get_data(as_text=True)
        assert html_lang(spanish) == "es" and main_nav(spanish)[0] == "Cursos"
        assert "English" in spanish
    response = client.post(
        "/account/language",
        data={"language": "en", "csrf_token": csrf_token_from(spanish), "next": LESSON},
    )
    assert html_lang(client.get(LESSON).get_data(as_text=True)) == "en"


def test_the_language_switch_returns_to_this_page_with_its_query(client, sample_course):
    client.get(LESSON)  # the header is cached now
    html = client.get(LESSON + "?from=<list>&x=1").get_data(as_text=True)
    escaped = LESSON + "?from=&lt;list&gt;&amp;x=1"  # escaped as the template escaped it
    assert f'<input type="hidden" name="next" value="{escaped}">' in html
    plain = client.get("/").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/">' in plain


def test_only_a_marked_computer_shows_the_public_computer_bar(app, client, sample_course):
    marker = URLSafeSerializer(app.config["SECRET_KEY"], salt="public-computer-mark")
    public = app.test_client()
    public.set_cookie(COOKIE_NAME, marker.dumps({"org": None, "by": 1}))
    for _ in range(2):
        assert "public-bar" in public.get(LESSON).get_data(as_text=True)
        assert "public-bar" not in client.get(LESSON).get_data(as_text=True)


def test_the_header_is_rendered_once_per_kind_of_viewer(app, sample_course):
    for _ in range(3):
        app.test_client().get(LESSON)
        app.test_client().get(LESSON, headers=ES)
        app.test_client().get("/")
    assert len(app.extensions["caches"]["site-headers"]) == 2
