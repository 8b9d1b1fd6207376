"""The cached part of lesson pages: reused, never stale after an import, tokens never shared."""

from __future__ import annotations

import re
import shutil

from sqlalchemy import event

from course_app.caching import BoundedCache
from course_app.content.importer import import_courses
from course_app.extensions import db
from course_app.learning.lesson_cache import CSRF_PLACEHOLDER, LESSON_PAGES, SHARED_LESSON_PAGES
from tests.conftest import ROOT, csrf_token_from, sign_in

LESSON = "/courses/sample-health-basics/lessons/where-to-start"


def count(app, client, url):
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_second_view_reuses_the_rendered_lesson(app, client, sample_course):
    first = count(app, client, LESSON)
    second = count(app, client, LESSON)
    assert entries(app, LESSON_PAGES) == 1
    assert second < first


def test_reimported_edit_is_shown_at_once(app, client, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(ROOT / "courses" / "sample-health-basics", courses / "sample-health-basics")
    with app.app_context():
        assert import_courses(courses).ok
        db.session.commit()
    assert "Freshly edited sentence." not in client.get(LESSON).get_data(as_text=True)
    lesson_file = next((courses / "sample-health-basics").glob("*/01-where-to-start.md"))
    lesson_file.write_text(
        lesson_file.read_text(encoding="utf-8") + "\nFreshly edited sentence.\n", encoding="utf-8"
    )
    with app.app_context():
        assert import_courses(courses).ok
        db.session.commit()
    assert "Freshly edited sentence." in client.get(LESSON).get_data(as_text=True)


def test_each_visitor_gets_their_own_csrf_token_from_the_cached_page(csrf_app, sample_course):
    one, two = csrf_app.test_client(), csrf_app.test_client()
    page_one = one.get(LESSON).get_data(as_text=True)
    page_two = two.get(LESSON).get_data(as_text=True)
    assert CSRF_PLACEHOLDER not in page_one and CSRF_PLACEHOLDER not in page_two
    tokens_one = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page_one))
    tokens_two = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page_two))
    assert tokens_one and tokens_two and tokens_one.isdisjoint(tokens_two)
    # The token on the cached check form is accepted for that visitor.
    form_action = re.search(r'action="([^"]+/checks/[^"#]+)', page_two).group(1)
    response = two.post(form_action, data={"csrf_token": csrf_token_from(page_two)})
    assert response.status_code == 400  # no answer given, but past the CSRF check
    assert "Please answer this question." in response.get_data(as_text=True)


def entries(app, name: str) -> int:
    return len(app.extensions["caches"].get(name) or ())


def test_cache_is_bounded():
    cache = BoundedCache(max_entries=2)
    for n in range(3):
        cache.put((n,), object())
    assert len(cache) == 2 and cache.get((0,)) is None and cache.get((2,)) is not None


def tokens_on(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html))


def secrets_on(html: str) -> set[str]:
    """The visitor's secret each token carries (an itsdangerous payload), without the signed
    time: two pages a second apart carry the same secret under different signatures."""
    return {token.split(".")[0] for token in tokens_on(html)}


def test_guests_share_one_cached_page_each_with_their_own_token(csrf_app, sample_course):
    one, two = csrf_app.test_client(), csrf_app.test_client()
    first = one.get(LESSON).get_data(as_text=True)
    again = one.get(LESSON).get_data(as_text=True)  # from the shared page
    other = two.get(LESSON).get_data(as_text=True)
    assert entries(csrf_app, SHARED_LESSON_PAGES) == 1
    assert secrets_on(first) == secrets_on(again) and len(tokens_on(again)) == 1
    assert secrets_on(other).isdisjoint(secrets_on(again))
    assert other.replace(csrf_token_from(other), "T") == again.replace(csrf_token_from(again), "T")
    # Each token works for its own visitor only.
    action = re.search(r'action="([^"]+/checks/[^"#]+)', other).group(1)
    mine = two.post(action, data={"csrf_token": csrf_token_from(other)})
    assert mine.status_code == 400 and "Please answer this question." in mine.get_data(as_text=True)
    theirs = two.post(action, data={"csrf_token": csrf_token_from(again)})
    assert theirs.status_code == 400 and "Please answer" not in theirs.get_data(as_text=True)


def test_a_reimport_replaces_the_shared_page_at_once(app, client, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(ROOT / "courses" / "sample-health-basics", courses / "sample-health-basics")
    with app.app_context():
        assert import_courses(courses).ok
        db.session.commit()
    for _ in range(2):
        assert "Freshly edited sentence." not in client.get(LESSON).get_data(as_text=True)
    assert entries(app, SHARED_LESSON_PAGES) == 1
    lesson_file = next((courses / "sample-health-basics").glob("*/01-where-to-start.md"))
    lesson_file.write_text(
        lesson_file.read_text(encoding="utf-8") + "\nFreshly edited sentence.\n", encoding="utf-8"
    )
    with app.app_context():
        assert import_courses(courses).ok
        db.session.commit()
    for visitor in (client, app.test_client()):
        assert "Freshly edited sentence." in visitor.get(LESSON).get_data(as_text=True)


def test_a_learners_progress_is_shown_to_no_one_else(
    app, client, learner_client, make_user, sample_course
):
    make_user("learner2", "learner")
    other_learner = app.test_client()
    assert sign_in(other_learner, "learner2").status_code == 302
    assert "You finished this lesson." not in client.get(LESSON).get_data(as_text=True)
    learner_client.post(LESSON + "/complete")
    for _ in range(2):
        mine = learner_client.get(LESSON).get_data(as_text=True)
        assert "You finished this lesson." in mine and 'class="progress"' in mine
        for someone_else in (client, other_learner):
            html = someone_else.get(LESSON).get_data(as_text=True)
            assert "You finished this lesson." not in html
        assert 'class="progress"' not in client.get(LESSON).get_data(as_text=True)


def test_a_guest_with_progress_gets_their_own_page(app, client, sample_course):
    app.test_client().get(LESSON)  # the shared page is cached
    client.post(LESSON + "/complete")  # the guest now has progress, kept in their visit
    html = client.get(LESSON).get_data(as_text=True)
    assert "You finished this lesson." in html and 'class="progress"' in html


def test_a_message_is_shown_once_and_only_to_its_visitor(app, client, sample_course):
    other = app.test_client()
    other.get(LESSON)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "A message for this visitor.")]
    assert "A message for this visitor." in client.get(LESSON).get_data(as_text=True)
    assert "A message for this visitor." not in client.get(LESSON).get_data(as_text=True)
    assert "A message for this visitor." not in other.get(LESSON).get_data(as_text=True)


def test_a_guest_reading_is_not_sent_a_new_cookie_each_time(client, sample_course):
    first = client.get(LESSON)
    assert [c for c in first.headers.getlist("Set-Cookie") if c.startswith("session=")]
    for _ in range(2):
        assert client.get(LESSON).headers.getlist("Set-Cookie") == []
