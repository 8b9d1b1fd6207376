"""THE roles x routes matrix: every route, every role, the status each must get.

Every (endpoint, method) the app serves must have a row here, so a new route without an
access decision fails the suite. Expected values are a status code, or SIGN_IN for a redirect
to the sign-in page; any other expected redirect must not go to sign-in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.content.models import Lesson, Question
from course_app.extensions import db
from tests.factories import make_course, make_library_tree, make_user, quiz_form_data

ROLES = ("anonymous", "learner", "librarian", "staff", "admin")
SIGN_IN = "302 to sign-in"
MADE_UP_CODE = "madeUpCertificateCode00000000000"  # well-formed, so it reaches the lookup
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def every(status: int) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def guest_then_members(guest: int | str, member: int) -> dict[str, int | str]:
    return {"anonymous": guest, **dict.fromkeys(ROLES[1:], member)}


SIGNED_IN_ONLY = guest_then_members(SIGN_IN, 200)
STAFF_ONLY = {"anonymous": SIGN_IN, "learner": 403, "librarian": 403, "staff": 200, "admin": 200}
# The learner-role user owns the certificate and the quiz attempt in the world below.
CERTIFICATE_OWNER_OR_STAFF = {**STAFF_ONLY, "learner": 200, "librarian": 404}
ATTEMPT_OWNER_ONLY = {**every(404), "learner": 200}
ADMIN_ONLY = {**STAFF_ONLY, "staff": 403}
# The librarian-role user works at the branch {own_branch}; {other_branch} is in another system.
LIBRARY_PEOPLE = {**STAFF_ONLY, "librarian": 200}
# {own_class} is in the librarian's branch; {other_class} (with {other_patron} and
# {other_assignment}) in the other library system.
OTHER_SYSTEMS = {**LIBRARY_PEOPLE, "librarian": 404}
NO_SUCH = {**LIBRARY_PEOPLE, "librarian": 404, "staff": 404, "admin": 404}
LET_IN_THEN_REFUSED = {**STAFF_ONLY, "librarian": 400, "staff": 400, "admin": 400}
LIBRARY_CHANGE = {**STAFF_ONLY, "librarian": 302, "staff": 302, "admin": 302}
# Names of patrons: only a librarian of their own library sees them.
LIBRARIANS_ONLY = {
    "anonymous": SIGN_IN,
    "learner": 403,
    "librarian": 200,
    "staff": 403,
    "admin": 403,
}
PATRONS_ONLY = {"anonymous": SIGN_IN, "learner": 200, "librarian": 403, "staff": 403, "admin": 403}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str  # filled from the world: {slug}, {code}, {attempt_id}, {own_branch}, ...
    expect: dict[str, int | str]
    data: Callable[[dict], dict] | None = None
    note: str = ""

    def label(self) -> str:
        return f"{self.endpoint} {self.method}" + (f" ({self.note})" if self.note else "")


def _quiz_answers(world: dict) -> dict:
    return {**world["quiz_answers"], "submission_token": secrets.token_urlsafe(32)}


MATRIX: list[Case] = [
    # Public learning pages: guests learn without an account.
    Case("learning.catalogue", "GET", "/", every(200)),
    Case("learning.course_overview", "GET", "/courses/{slug}", every(200)),
    Case("learning.glossary", "GET", "/courses/{slug}/glossary", every(200)),
    Case("learning.continue_course", "GET", "/courses/{slug}/continue", every(302)),
    Case("learning.lesson", "GET", "/courses/{slug}/lessons/m1-l1", every(200)),
    Case(
        "learning.answer_check",
        "POST",
        "/courses/{slug}/lessons/m1-l1/checks/m1-l1-check",
        every(303),
        data=lambda w: {f"m1-l1-check-q{w['check_id']}": "a"},
    ),
    Case("learning.complete_lesson", "POST", "/courses/{slug}/lessons/m1-l1/complete", every(302)),
    Case("learning.my_learning", "GET", "/my-learning", every(200)),
    Case("learning.hide_guest_note", "POST", "/guest-note/hide", every(302)),
    Case("learning.handout", "GET", "/courses/{slug}/modules/m1/handout.pdf", every(200)),
    # Quizzes: anyone may take one; a result belongs to whoever made the attempt.
    Case("quizzes.take", "GET", "/courses/{slug}/quizzes/m1-quiz", every(200)),
    Case("quizzes.answer", "POST", "/courses/{slug}/quizzes/m1-quiz", every(303), _quiz_answers),
    Case("quizzes.history", "GET", "/courses/{slug}/quizzes/m1-quiz/attempts", every(200)),
    Case(
        "quizzes.result",
        "GET",
        "/courses/{slug}/quizzes/m1-quiz/attempts/{attempt_id}",
        ATTEMPT_OWNER_ONLY,
        note="attempt of the learner",
    ),
    Case(
        "quizzes.result",
        "GET",
        "/courses/{slug}/quizzes/m1-quiz/attempts/999999",
        every(404),
        note="no such attempt",
    ),
    # Certificates: claiming needs an account; a certificate page is its owner's (and staff's).
    Case(
        "certificates.claim",
        "GET",
        "/courses/{slug}/certificate",
        every(200),
        note="course not finished; guests are told why an account helps",
    ),
    Case(
        "certificates.claim",
        "POST",
        "/courses/{slug}/certificate",
        every(200),
        data=lambda w: {"recipient_name": "Someone", "confirmed": "1"},
        note="course not finished",
    ),
    Case("certificates.show", "GET", "/certificates/{code}", CERTIFICATE_OWNER_OR_STAFF),
    Case(
        "certificates.show",
        "GET",
        f"/certificates/{MADE_UP_CODE}",
        guest_then_members(SIGN_IN, 404),
        note="no such code",
    ),
    Case("certificates.pdf", "GET", "/certificates/{code}.pdf", CERTIFICATE_OWNER_OR_STAFF),
    Case(
        "certificates.pdf",
        "GET",
        f"/certificates/{MADE_UP_CODE}.pdf",
        guest_then_members(SIGN_IN, 404),
        note="no such code",
    ),
    Case("certificates.verify", "GET", "/verify/{code}", every(200)),
    Case("certificates.verify", "GET", f"/verify/{MADE_UP_CODE}", every(404), note="no such code"),
    Case("certificates.verify_lookup", "GET", "/verify", every(200)),
    Case(
        "certificates.credential",
        "GET",
        "/certificates/{code}/credential.jwt",
        CERTIFICATE_OWNER_OR_STAFF,
    ),
    Case(
        "certificates.credential",
        "GET",
        f"/certificates/{MADE_UP_CODE}/credential.jwt",
        guest_then_members(SIGN_IN, 404),
        note="no such code",
    ),
    # Open Badges documents: public, for backpacks, wallets and anyone checking a badge.
    Case("badges.issuer", "GET", "/badges/issuer", every(200)),
    Case("badges.badge_class", "GET", "/badges/classes/{slug}", every(200)),
    Case("badges.badge_class", "GET", "/badges/classes/no-such", every(404), note="no such"),
    Case("badges.badge_class_image", "GET", "/badges/classes/{slug}/image.svg", every(200)),
    Case("badges.assertion", "GET", "/badges/assertions/{code}", every(200)),
    Case(
        "badges.assertion",
        "GET",
        f"/badges/assertions/{MADE_UP_CODE}",
        every(404),
        note="no such code",
    ),
    Case("badges.assertion_image", "GET", "/badges/assertions/{code}/badge.svg", every(200)),
    Case("badges.status_list", "GET", "/badges/status/revocation", every(200)),
    Case("badges.jwks", "GET", "/.well-known/jwks.json", every(200)),
    # LTI 1.3: a platform starts the login and posts the signed launch; without one, refused.
    Case("lti.login", "GET", "/lti/login", every(400), note="no platform parameters"),
    Case("lti.login", "POST", "/lti/login", every(400), data=lambda w: {}, note="no platform"),
    Case("lti.launch", "POST", "/lti/launch", every(403), data=lambda w: {}, note="no token"),
    Case("lti.jwks", "GET", "/lti/jwks.json", every(200)),
    Case(
        "lti.deep_link",
        "GET",
        "/lti/deep-link",
        guest_then_members(SIGN_IN, 404),
        note="no deep-linking launch in the session",
    ),
    Case(
        "lti.deep_link",
        "POST",
        "/lti/deep-link",
        guest_then_members(SIGN_IN, 404),
        data=lambda w: {"choice": "x"},
        note="no deep-linking launch in the session",
    ),
    Case("lti.registrations", "GET", "/admin/lti", ADMIN_ONLY),
    Case(
        "lti.registrations",
        "POST",
        "/admin/lti",
        {**ADMIN_ONLY, "admin": 400},
        data=lambda w: {"name": ""},
        note="let in, then the empty form is refused",
    ),
    # Staff pages.
    Case("admin.certificates", "GET", "/admin/certificates", STAFF_ONLY),
    Case(
        "admin.revoke_certificate",
        "POST",
        "/admin/certificates/{code}/revoke",
        {**STAFF_ONLY, "staff": 400, "admin": 400},
        data=lambda w: {"reason": ""},
        note="let in, then the empty reason is refused",
    ),
    Case(
        "admin.revoke_certificate",
        "POST",
        f"/admin/certificates/{MADE_UP_CODE}/revoke",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
        data=lambda w: {"reason": "test"},
        note="no such code",
    ),
    # Libraries: librarians see their own branch, staff and admins every one; admins edit.
    Case("libraries.index", "GET", "/libraries", LIBRARY_PEOPLE),
    Case("libraries.show", "GET", "/libraries/{own_branch}", LIBRARY_PEOPLE, note="own branch"),
    Case(
        "libraries.show",
        "GET",
        "/libraries/{other_branch}",
        {**LIBRARY_PEOPLE, "librarian": 404},
        note="another system's branch",
    ),
    Case(
        "libraries.show",
        "GET",
        "/libraries/999999",
        {**LIBRARY_PEOPLE, "librarian": 404, "staff": 404, "admin": 404},
        note="no such organisation",
    ),
    Case("libraries.manage", "GET", "/admin/libraries", ADMIN_ONLY),
    Case(
        "libraries.manage",
        "POST",
        "/admin/libraries",
        {**ADMIN_ONLY, "admin": 400},
        data=lambda w: {"kind": "branch", "parent_id": "0", "name": ""},
        note="let in, then the empty name is refused",
    ),
    Case("libraries.edit", "GET", "/admin/libraries/{own_branch}/edit", ADMIN_ONLY),
    Case(
        "libraries.edit",
        "POST",
        "/admin/libraries/{own_branch}/edit",
        {**ADMIN_ONLY, "admin": 400},
        data=lambda w: {"name": ""},
        note="let in, then the empty name is refused",
    ),
    Case(
        "libraries.edit",
        "GET",
        "/admin/libraries/999999/edit",
        {**ADMIN_ONLY, "admin": 404},
        note="no such organisation",
    ),
    Case("audit.events", "GET", "/admin/audit", STAFF_ONLY),
    Case(
        "audit.events",
        "GET",
        "/admin/audit?person=no-such-person",
        {**STAFF_ONLY, "staff": 400, "admin": 400},
        note="let in, then the unknown person is refused",
    ),
    Case("audit.events_csv", "GET", "/admin/audit/export.csv", STAFF_ONLY),
    # The desk: librarians manage patrons of their own library system only ({own_patron} is at
    # their branch, {other_patron} in another system); staff and admins manage every patron.
    Case("desk.patrons", "GET", "/desk/patrons", LIBRARY_PEOPLE),
    Case("desk.patrons", "GET", "/desk/patrons?q=x&page=abc", LIBRARY_PEOPLE, note="bad page"),
    Case("desk.new_patron", "GET", "/desk/patrons/new", LIBRARY_PEOPLE),
    Case(
        "desk.new_patron",
        "POST",
        "/desk/patrons/new",
        {**LIBRARY_PEOPLE, "librarian": 400, "staff": 400, "admin": 400},
        data=lambda w: {"submit": "1", "name": ""},
        note="let in, then the empty name is refused",
    ),
    Case("desk.import_upload", "GET", "/desk/patrons/import", LIBRARY_PEOPLE),
    Case(
        "desk.import_upload",
        "POST",
        "/desk/patrons/import",
        {**LIBRARY_PEOPLE, "librarian": 400, "staff": 400, "admin": 400},
        data=lambda w: {},
        note="let in, then the missing file is refused",
    ),
    Case(
        "desk.import_create",
        "POST",
        "/desk/patrons/import/create",
        {**LIBRARY_PEOPLE, "librarian": 400, "staff": 400, "admin": 400},
        data=lambda w: {},
        note="let in, then the missing preview is refused",
    ),
    Case("desk.import_template", "GET", "/desk/patrons/import/template.csv", LIBRARY_PEOPLE),
    Case(
        "desk.reset_code",
        "GET",
        "/desk/patrons/{own_patron}/reset-code",
        LIBRARY_PEOPLE,
        note="patron of the librarian's branch",
    ),
    Case(
        "desk.reset_code",
        "POST",
        "/desk/patrons/{own_patron}/reset-code",
        LIBRARY_PEOPLE,
        data=lambda w: {},
        note="patron of the librarian's branch",
    ),
    Case(
        "desk.reset_code",
        "GET",
        "/desk/patrons/{other_patron}/reset-code",
        {**LIBRARY_PEOPLE, "librarian": 404},
        note="patron of another system",
    ),
    Case(
        "desk.reset_code",
        "POST",
        "/desk/patrons/{other_patron}/reset-code",
        {**LIBRARY_PEOPLE, "librarian": 404},
        data=lambda w: {},
        note="patron of another system",
    ),
    Case(
        "desk.reset_code",
        "GET",
        "/desk/patrons/{staff_id}/reset-code",
        {**LIBRARY_PEOPLE, "librarian": 404, "staff": 404, "admin": 404},
        note="not a patron",
    ),
    Case(
        "desk.reset_code",
        "GET",
        "/desk/patrons/999999/reset-code",
        {**LIBRARY_PEOPLE, "librarian": 404, "staff": 404, "admin": 404},
        note="no such user",
    ),
    # Classes: a librarian's own branch's classes only; another system's are 404 by id.
    Case("classes.index", "GET", "/classes", LIBRARY_PEOPLE),
    Case("classes.new", "GET", "/classes/new", LIBRARY_PEOPLE),
    Case(
        "classes.new",
        "POST",
        "/classes/new",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"organisation_id": str(w["own_branch"]), "name": ""},
        note="let in, then the empty name is refused",
    ),
    *[
        case
        for endpoint, suffix in (
            ("classes.show", ""),
            ("classes.export_csv", "/export.csv"),
            ("classes.roster", "/roster"),
            ("classes.members", "/members"),
            ("classes.assign", "/assignments/new"),
            ("class_import.upload", "/import"),
            ("class_tools.edit", "/edit"),
            ("class_tools.certificates", "/certificates"),
            ("class_tools.sign_in_sheet", "/sign-in-sheet"),
        )
        for case in (
            Case(endpoint, "GET", "/classes/{own_class}" + suffix, LIBRARY_PEOPLE, note="own"),
            Case(
                endpoint,
                "GET",
                "/classes/{other_class}" + suffix,
                OTHER_SYSTEMS,
                note="another system's class",
            ),
            Case(endpoint, "GET", "/classes/999999" + suffix, NO_SUCH, note="no such class"),
        )
    ],
    Case(
        "classes.members",
        "POST",
        "/classes/{own_class}/members",
        LET_IN_THEN_REFUSED,
        data=lambda w: {},
        note="let in, then nobody chosen is refused",
    ),
    Case(
        "classes.members",
        "POST",
        "/classes/{own_class}/members",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"user_ids": str(w["other_patron"])},
        note="another system's patron is refused",
    ),
    Case(
        "classes.members",
        "POST",
        "/classes/{other_class}/members",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {},
        note="another system's class",
    ),
    Case(
        "classes.remove_patron",
        "POST",
        "/classes/{own_class}/members/{other_patron}/remove",
        NO_SUCH,
        note="a patron of another class, by id guessing",
    ),
    Case(
        "classes.remove_patron",
        "POST",
        "/classes/{other_class}/members/{other_patron}/remove",
        {**OTHER_SYSTEMS, "staff": 302, "admin": 404},
        note="staff remove the patron, so admin then finds nobody",
    ),
    # Confirm pages (GET) before a change made with one click before.
    Case("classes.new_join_code", "GET", "/classes/{own_class}/join-code", LIBRARY_PEOPLE),
    Case("classes.new_join_code", "GET", "/classes/{other_class}/join-code", OTHER_SYSTEMS),
    Case("classes.archive", "GET", "/classes/{own_class}/archive", LIBRARY_PEOPLE),
    Case("classes.archive", "GET", "/classes/{other_class}/archive", OTHER_SYSTEMS),
    Case(
        "classes.remove_patron",
        "GET",
        "/classes/{other_class}/members/{other_patron}/remove",
        OTHER_SYSTEMS,
    ),
    Case(
        "classes.remove_patron",
        "GET",
        "/classes/{own_class}/members/{other_patron}/remove",
        NO_SUCH,
        note="a patron of another class",
    ),
    Case(
        "class_tools.edit",
        "POST",
        "/classes/{own_class}/edit",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"name": ""},
        note="let in, then the empty name is refused",
    ),
    Case(
        "class_tools.edit",
        "POST",
        "/classes/{other_class}/edit",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {"name": ""},
        note="another system's class",
    ),
    Case(
        "class_tools.chosen",
        "GET",
        "/classes/{own_class}/chosen?action=remove",
        LIBRARY_CHANGE,
        note="nobody ticked: back to the class",
    ),
    Case(
        "class_tools.chosen",
        "GET",
        "/classes/{other_class}/chosen?action=remove&user_ids={other_patron}",
        {**LIBRARY_PEOPLE, "librarian": 404},
        note="another system's class: staff see the confirm page",
    ),
    Case(
        "class_tools.remove_chosen",
        "POST",
        "/classes/{own_class}/members/remove-chosen",
        LET_IN_THEN_REFUSED,
        data=lambda w: {},
        note="let in, then nobody chosen is refused",
    ),
    Case(
        "class_tools.remove_chosen",
        "POST",
        "/classes/{other_class}/members/remove-chosen",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {},
        note="another system's class",
    ),
    Case(
        "class_tools.mark_handled",
        "POST",
        "/classes/{own_class}/help/{other_patron}/handled",
        NO_SUCH,
        note="a patron of another class",
    ),
    Case(
        "class_tools.mark_handled",
        "POST",
        "/classes/{other_class}/help/{other_patron}/handled",
        {**OTHER_SYSTEMS, "staff": 302, "admin": 302},
        note="another system's class: staff mark it",
    ),
    Case("class_tools.reminders", "GET", "/classes/{own_class}/reminders", LIBRARY_PEOPLE),
    Case(
        "class_tools.reminders",
        "GET",
        "/classes/{other_class}/reminders",
        OTHER_SYSTEMS,
        note="another system's class",
    ),
    Case(
        "class_tools.reminders",
        "POST",
        "/classes/{own_class}/reminders",
        LIBRARY_CHANGE,
        note="nobody with work due: none sent, back to the class",
    ),
    Case("classes.new_join_code", "POST", "/classes/{own_class}/join-code", LIBRARY_CHANGE),
    Case(
        "classes.new_join_code",
        "POST",
        "/classes/{other_class}/join-code",
        {**LIBRARY_CHANGE, "librarian": 404},
        note="another system's class",
    ),
    Case(
        "classes.archive",
        "POST",
        "/classes/{own_class}/archive",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"archived": "maybe"},
        note="let in, then the unknown state is refused",
    ),
    Case(
        "classes.archive",
        "POST",
        "/classes/{other_class}/archive",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {"archived": "maybe"},
        note="another system's class",
    ),
    Case(
        "classes.assign",
        "POST",
        "/classes/{own_class}/assignments/new",
        LET_IN_THEN_REFUSED,
        data=lambda w: {},
        note="let in, then the empty form is refused",
    ),
    Case(
        "classes.assign",
        "POST",
        "/classes/{other_class}/assignments/new",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {},
        note="another system's class",
    ),
    Case(
        "classes.unassign",
        "POST",
        "/classes/{own_class}/assignments/{other_assignment}/remove",
        NO_SUCH,
        note="another class's assignment, by id guessing",
    ),
    Case(
        "classes.unassign",
        "POST",
        "/classes/{other_class}/assignments/{other_assignment}/remove",
        {**OTHER_SYSTEMS, "staff": 302, "admin": 404},
        note="staff remove it, so admin then finds nothing",
    ),
    Case(
        "class_import.upload",
        "POST",
        "/classes/{own_class}/import",
        LET_IN_THEN_REFUSED,
        data=lambda w: {},
        note="let in, then the missing file is refused",
    ),
    Case(
        "class_import.upload",
        "POST",
        "/classes/{other_class}/import",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {},
        note="another system's class",
    ),
    Case(
        "class_import.create",
        "POST",
        "/classes/{own_class}/import/create",
        LET_IN_THEN_REFUSED,
        data=lambda w: {},
        note="let in, then the missing preview is refused",
    ),
    Case(
        "class_import.create",
        "POST",
        "/classes/{other_class}/import/create",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {},
        note="another system's class",
    ),
    Case(
        "class_import.create", "POST", "/classes/999999/import/create", NO_SUCH, data=lambda w: {}
    ),
    # Staff accounts on the web: administrators only.
    Case("staff_accounts.index", "GET", "/admin/accounts", ADMIN_ONLY),
    Case("staff_accounts.new", "GET", "/admin/accounts/new", ADMIN_ONLY),
    Case(
        "staff_accounts.new",
        "POST",
        "/admin/accounts/new",
        {**ADMIN_ONLY, "admin": 400},
        data=lambda w: {"username": ""},
        note="let in, then the empty form is refused",
    ),
    Case("staff_accounts.edit", "GET", "/admin/accounts/{staff_id}", ADMIN_ONLY),
    Case(
        "staff_accounts.edit",
        "GET",
        "/admin/accounts/999999",
        {**ADMIN_ONLY, "admin": 404},
        note="no such account",
    ),
    Case(
        "staff_accounts.edit",
        "POST",
        "/admin/accounts/{staff_id}",
        {**ADMIN_ONLY, "admin": 400},
        data=lambda w: {"role": "wizard"},
        note="let in, then the unknown role is refused",
    ),
    # The patron page: the librarians of the patron's library, and staff.
    Case("patrons.show", "GET", "/patrons/{own_patron}", LIBRARY_PEOPLE),
    Case("patrons.show", "GET", "/patrons/{other_patron}", OTHER_SYSTEMS, note="other system"),
    Case("patrons.show", "GET", "/patrons/999999", NO_SUCH, note="no such patron"),
    Case(
        "patrons.move",
        "POST",
        "/patrons/{own_patron}/move",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"organisation_id": "999999"},
        note="let in, then a branch that is not a choice is refused",
    ),
    Case(
        "patrons.move",
        "POST",
        "/patrons/{other_patron}/move",
        {**LET_IN_THEN_REFUSED, "librarian": 404},
        data=lambda w: {"organisation_id": "999999"},
        note="other system",
    ),
    Case("patrons.erase", "GET", "/patrons/{own_patron}/erase", LIBRARY_PEOPLE),
    Case("patrons.erase", "GET", "/patrons/{other_patron}/erase", OTHER_SYSTEMS),
    Case(
        "patrons.erase",
        "POST",
        "/patrons/{own_patron}/erase",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"username": "not-them"},
        note="let in, then the wrong username is refused",
    ),
    Case("patrons.account", "GET", "/patrons/{own_patron}/account", LIBRARY_PEOPLE),
    Case(
        "patrons.account",
        "POST",
        "/patrons/{own_patron}/account",
        LET_IN_THEN_REFUSED,
        data=lambda w: {"active": "maybe"},
        note="let in, then the unknown state is refused",
    ),
    Case(
        "patrons.reissue",
        "GET",
        "/patrons/{cert_owner}/certificates/{certificate_id}/reissue",
        {**STAFF_ONLY, "librarian": 404},
        note="the owner is in no library: staff only",
    ),
    Case(
        "patrons.reissue",
        "POST",
        "/patrons/{cert_owner}/certificates/{certificate_id}/reissue",
        {**STAFF_ONLY, "librarian": 404, "staff": 400, "admin": 400},
        data=lambda w: {"recipient_name": ""},
        note="let in, then the empty name is refused",
    ),
    # Reports: staff see the network, a librarian their own library system, learners none.
    Case("reports.overview", "GET", "/reports", LIBRARY_PEOPLE),
    Case(
        "reports.overview",
        "GET",
        "/reports?organisation_id={other_branch}",
        {**LIBRARY_PEOPLE, "librarian": 400},
        note="a library outside the librarian's system is not a choice",
    ),
    Case("reports.overview_csv", "GET", "/reports/overview.csv", LIBRARY_PEOPLE),
    Case("reports.course", "GET", "/reports/courses/{slug}", LIBRARY_PEOPLE),
    Case("reports.course", "GET", "/reports/courses/no-such-course", NO_SUCH),
    Case("reports.course_csv", "GET", "/reports/courses/{slug}/funnel.csv", LIBRARY_PEOPLE),
    Case("reports.course_csv", "GET", "/reports/courses/{slug}/secrets.csv", NO_SUCH),
    Case("reports.libraries", "GET", "/reports/libraries", LIBRARY_PEOPLE),
    Case("reports.libraries_csv", "GET", "/reports/libraries.csv", LIBRARY_PEOPLE),
    Case("certificate_list.index", "GET", "/reports/certificates", LIBRARY_PEOPLE),
    Case(
        "certificate_list.index",
        "GET",
        "/reports/certificates?organisation_id={other_branch}",
        {**LIBRARY_PEOPLE, "librarian": 400},
        note="a library outside the librarian's system is not a choice",
    ),
    Case("certificate_list.export_csv", "GET", "/reports/certificates.csv", LIBRARY_PEOPLE),
    Case("funder_report.page", "GET", "/reports/funder", LIBRARY_PEOPLE),
    Case("funder_report.pdf", "GET", "/reports/funder.pdf", LIBRARY_PEOPLE),
    Case(
        "funder_report.pdf",
        "GET",
        "/reports/funder.pdf?organisation_id={other_branch}",
        {**LIBRARY_PEOPLE, "librarian": 400},
        note="a library outside the librarian's system is not a choice",
    ),
    Case("reports.learners", "GET", "/reports/learners", LIBRARIANS_ONLY),
    Case("reports.learners_csv", "GET", "/reports/learners.csv", LIBRARIANS_ONLY),
    Case("classes.join", "GET", "/join", PATRONS_ONLY),
    Case(
        "classes.join",
        "POST",
        "/join",
        {**PATRONS_ONLY, "learner": 400},
        data=lambda w: {"code": "NOSUCH"},
        note="unknown code",
    ),
    # Accounts.
    Case("accounts.sign_in", "GET", "/account/sign-in", guest_then_members(200, 302)),
    Case(
        "accounts.sign_in",
        "POST",
        "/account/sign-in",
        guest_then_members(400, 302),
        data=lambda w: {"username": "learner-user", "password": "wrong password here"},
        note="wrong password",
    ),
    Case("accounts.sign_up", "GET", "/account/sign-up", guest_then_members(200, 302)),
    Case(
        "accounts.sign_up",
        "POST",
        "/account/sign-up",
        guest_then_members(200, 302),
        data=lambda w: {},
        note="empty form",
    ),
    Case("accounts.sign_out", "POST", "/account/sign-out", every(302)),
    # Nobody in the matrix has a temporary password, so choosing one sends them on.
    Case(
        "password_help.choose_password",
        "GET",
        "/account/choose-password",
        guest_then_members(SIGN_IN, 302),
    ),
    Case(
        "password_help.choose_password",
        "POST",
        "/account/choose-password",
        guest_then_members(SIGN_IN, 302),
        data=lambda w: {},
    ),
    Case("password_help.reset", "GET", "/account/reset", every(200)),
    Case(
        "password_help.reset",
        "POST",
        "/account/reset",
        every(400),
        data=lambda w: {
            "username": "learner-user",
            "code": "AAAA-BBBB",
            "password": "new words here",
        },
        note="wrong code",
    ),
    Case("password_help.reset_by_email", "GET", "/account/reset/email", every(200)),
    Case(
        "password_help.reset_by_email",
        "POST",
        "/account/reset/email",
        every(302),
        data=lambda w: {"username": "nobody-by-this-name"},
        note="the same answer whether or not the account exists",
    ),
    Case("accounts.account", "GET", "/account/", SIGNED_IN_ONLY),
    Case("accounts.account", "POST", "/account/", SIGNED_IN_ONLY, data=lambda w: {}),
    Case(
        "accounts.set_language",
        "POST",
        "/account/language",
        every(302),
        data=lambda w: {"language": "es", "next": "/"},
    ),
    # One's own sessions, and the password typed again before staff pages.
    Case("account_sessions.sessions", "GET", "/account/sessions", SIGNED_IN_ONLY),
    Case(
        "account_sessions.end_others",
        "POST",
        "/account/sessions/end-others",
        guest_then_members(SIGN_IN, 302),
    ),
    Case("account_sessions.confirm", "GET", "/account/confirm-password", SIGNED_IN_ONLY),
    Case(
        "account_sessions.confirm",
        "POST",
        "/account/confirm-password",
        guest_then_members(SIGN_IN, 400),
        data=lambda w: {"password": "not the password"},
        note="wrong password",
    ),
    # Privacy: the page for everyone; one's own data and erasure for the signed-in.
    Case("privacy.policy", "GET", "/privacy", every(200)),
    Case("privacy.my_data_json", "GET", "/account/my-data.json", SIGNED_IN_ONLY),
    Case("privacy.my_data_csv", "GET", "/account/my-data.csv", SIGNED_IN_ONLY),
    Case("privacy.erase", "GET", "/account/erase", SIGNED_IN_ONLY),
    Case(
        "privacy.erase",
        "POST",
        "/account/erase",
        guest_then_members(SIGN_IN, 400),
        data=lambda w: {"password": "not the password"},
        note="wrong password: nothing erased",
    ),
    # Resume codes: for guests; people with an account are sent to My learning.
    Case(
        "resume_codes.my_code",
        "GET",
        "/my-learning/resume-code",
        guest_then_members(200, 302),
        note="a guest with no progress yet",
    ),
    Case(
        "resume_codes.my_code",
        "POST",
        "/my-learning/resume-code",
        guest_then_members(200, 302),
        note="a guest with no progress yet",
    ),
    Case("resume_codes.enter", "GET", "/resume", guest_then_members(200, 302)),
    Case(
        "resume_codes.enter",
        "POST",
        "/resume",
        guest_then_members(400, 302),
        data=lambda w: {"code": "K7QM-4XPA"},
        note="no such code",
    ),
    Case("resume_codes.enter_from_link", "GET", "/resume/K7QM-4XPA", every(302)),
    # Public-computer mode: library people mark a browser; the idle pages serve everyone.
    Case("public_computer.setting", "GET", "/account/public-computer", LIBRARY_PEOPLE),
    Case(
        "public_computer.setting",
        "POST",
        "/account/public-computer",
        {**LIBRARY_PEOPLE, "librarian": 400, "staff": 400, "admin": 400},
        data=lambda w: {"public": ""},
        note="let in, then the missing choice is refused",
    ),
    Case("public_computer.still_here", "POST", "/account/public-computer/still-here", every(204)),
    Case("public_computer.timed_out", "POST", "/account/public-computer/timed-out", every(302)),
    Case("public_computer.signed_out", "GET", "/account/public-computer/signed-out", every(200)),
    # Infrastructure.
    Case("health.healthz", "GET", "/healthz", every(200)),
    # The test client comes from 127.0.0.1, a trusted network (tests/ops/test_observability.py).
    Case("metrics.metrics", "GET", "/metrics", every(200)),
    Case("media.media_file", "GET", "/media/0000.svg", every(404), note="no such picture"),
    Case("static", "GET", "/static/site.css", every(200)),
    Case("static", "GET", "/static/staff.css", every(200), note="librarians' and staff's pages"),
    Case("static", "GET", "/static/public_computer.js", every(200), note="idle warning script"),
]


@pytest.fixture
def world(app, role_clients, tmp_path, monkeypatch) -> dict:
    """A course with a quiz, and a certificate and a quiz attempt owned by the learner."""
    from course_app.key_folders import generate_key

    monkeypatch.setitem(app.config, "BADGE_KEYS_DIR", str(tmp_path / "badge-keys"))
    generate_key(tmp_path / "badge-keys")
    from course_app.certificates.services import issue_certificate
    from course_app.libraries.models import Organisation
    from course_app.libraries.services import set_user_library
    from tests.factories import complete_lesson

    with app.app_context():
        course = make_course("matrix-course", modules=1)
        done = make_course("done-course", modules=1, lessons_per_module=1, with_quiz=False)
        check_id = db.session.scalar(
            select(Question.id).where(
                Question.course_id == course.id, Question.key == "m1-l1-check"
            )
        )
        learner = db.session.scalar(select(User).where(User.username == "learner-user")).learner
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == done.id)):
            complete_lesson(learner, lesson)
        certificate = issue_certificate(learner, done, "Learner One", "en")
        code, certificate_id, cert_owner = certificate.code, certificate.id, learner.user_id
        quiz_answers = quiz_form_data(course)
        libraries = make_library_tree()
        librarian = db.session.scalar(select(User).where(User.username == "librarian-user"))
        set_user_library(None, librarian, db.session.get(Organisation, libraries["north-a"]))
        own_patron, other_patron = make_user("desk-own"), make_user("desk-other")
        own_patron.organisation_id = libraries["north-a"]
        other_patron.organisation_id = libraries["south-a"]
        staff_id = db.session.scalar(select(User.id).where(User.username == "staff-user"))
        classes = _classes_world(libraries, course)
        db.session.commit()
        own_patron, other_patron = own_patron.id, other_patron.id
    response = role_clients["learner"].post(
        "/courses/matrix-course/quizzes/m1-quiz", data=quiz_answers
    )
    assert response.status_code == 303
    attempt_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return {
        "slug": "matrix-course",
        "code": code,
        "certificate_id": certificate_id,
        "cert_owner": cert_owner,
        "attempt_id": attempt_id,
        "check_id": check_id,
        "quiz_answers": quiz_answers,
        "own_branch": libraries["north-a"],
        "other_branch": libraries["south-a"],
        "own_patron": own_patron,
        "other_patron": other_patron,
        "staff_id": staff_id,
        **classes,
    }


def _classes_world(libraries: dict[str, int], course) -> dict[str, int]:
    """A class in the librarian's branch, and one with a patron and an assignment in the
    other library system."""
    from datetime import date

    from course_app.classes.services import add_members, create_assignment, create_class
    from course_app.libraries.models import Organisation
    from course_app.libraries.services import set_user_library
    from tests.factories import make_user

    staff = db.session.scalar(select(User).where(User.username == "staff-user"))
    own = create_class(staff, db.session.get(Organisation, libraries["north-a"]), "Own", None)
    south = db.session.get(Organisation, libraries["south-a"])
    other = create_class(staff, south, "Other", None)
    patron = make_user("south-patron")
    set_user_library(None, patron, south)
    add_members(staff, other, [patron.id])
    assignment = create_assignment(staff, other, course, None, None, None, None, date.today())
    return {
        "own_class": own.id,
        "other_class": other.id,
        "other_patron": patron.id,
        "other_assignment": assignment.id,
    }


def _served(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_route_and_method_is_in_the_matrix(app):
    covered = {(case.endpoint, case.method) for case in MATRIX}
    missing = sorted(_served(app) - covered)
    assert not missing, f"routes with no row in tests/test_roles_matrix.py: {missing}"


def test_matrix_names_every_role_in_every_row():
    for case in MATRIX:
        assert set(case.expect) == set(ROLES), case.label()


def _outcome(response) -> int | str:
    redirect = response.status_code in (301, 302, 303, 307, 308)
    if redirect and urlsplit(response.headers["Location"]).path == "/account/sign-in":
        return SIGN_IN
    return response.status_code


@pytest.mark.parametrize("case", MATRIX, ids=[case.label() for case in MATRIX])
def test_route_gives_each_role_the_expected_status(app, role_clients, world, case):
    if case.endpoint not in app.view_functions:
        pytest.skip(f"endpoint {case.endpoint} is not registered yet")
    url = case.url.format(**world)
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(urlsplit(url).path, method=case.method)
    assert endpoint == case.endpoint, f"{url} reaches {endpoint}, not {case.endpoint}"

    got = {}
    for role in ROLES:
        client = role_clients[role]
        data = case.data(world) if case.data else None
        response = client.open(url, method=case.method, data=data)
        got[role] = _outcome(response)
    wrong = {
        role: f"expected {case.expect[role]}, got {got[role]}"
        for role in ROLES
        if got[role] != case.expect[role]
    }
    assert not wrong, f"{case.method} {url}: {wrong}"
