"""The LTI 1.3 tool: OIDC login initiation, the launch, Deep Linking (an instructor picks a
course or module to place), the tool's public keys, and the administrator's registrations.

A platform shows these pages in a frame on its own site: a launched session's cookie crosses
the frame (signing.py) and its pages may be framed by that platform only (frame_policy)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.accounts.access import role_required
from course_app.accounts.models import Role
from course_app.accounts.services import start_session
from course_app.content.models import Course, Lesson, Module
from course_app.extensions import csrf, db
from course_app.key_folders import SigningKeyError
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.links import external_url
from course_app.lti.forms import ERRORS, DeepLinkForm, RegistrationForm
from course_app.lti.grades import mark_finished_due
from course_app.lti.models import LtiRegistration
from course_app.lti.platforms import (
    DatabaseLaunchStorage,
    DatabaseToolConf,
    FramedCookieService,
    find_registration,
    forget_expired_launch_values,
    frame_origins,
    tool_jwks,
)
from course_app.lti.services import (
    CLAIM,
    LtiError,
    RegistrationData,
    is_teacher,
    register_platform,
    remember_grade_target,
    user_for_launch,
)
from course_app.security import policy_with
from course_app.signing import FRAMED_SESSION_KEY

bp = Blueprint("lti", __name__)
LAUNCH_KEY = "lti_launch_id"
LAUNCH_LIFETIME = 3600  # seconds a launch is kept: time enough to choose what to place
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _pylti(kind, request_, **kwargs):
    return kind(
        request_,
        DatabaseToolConf(),
        cookie_service=FramedCookieService(request_),
        launch_data_storage=DatabaseLaunchStorage(),
        **kwargs,
    )


def _refused(message: str, status: int) -> tuple[str, int]:
    db.session.rollback()
    return render_template("lti/refused.html", message=message), status


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt  # the platform starts this; the signed launch that follows is the check
def login():
    request_ = FlaskRequest()
    forget_expired_launch_values()  # nonces never used, launches long done
    try:
        response = _pylti(FlaskOIDCLogin, request_).redirect(external_url("lti.launch"))
    except (OIDCException, LtiException, SigningKeyError) as error:
        current_app.logger.info("LTI login refused: %s", error)
        return _refused(_("This link from your learning platform is not set up here."), 400)
    db.session.commit()  # the nonce waits for the launch
    return response


def _client_id(claims: dict) -> str:
    audience = claims.get("aud")
    return audience if isinstance(audience, str) else claims.get("azp") or audience[0]


def _begin_framed_session(user, registration: LtiRegistration) -> None:
    """A fresh signed-in session, marked as shown in this platform's frame."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    start_session(user)
    login_user(user)
    session[FRAMED_SESSION_KEY] = registration.id


@bp.post("/lti/launch")
@csrf.exempt  # a platform posts the signed launch; pylti1p3 checks signature, nonce, state
def launch():
    request_ = FlaskRequest()
    message = _pylti(FlaskMessageLaunch, request_).set_launch_data_lifetime(LAUNCH_LIFETIME)
    try:
        claims = message.get_launch_data()
    except (LtiException, SigningKeyError, KeyError, ValueError) as error:
        current_app.logger.warning("LTI launch refused: %s", error)
        return _refused(_("This launch could not be checked. Start again from your course."), 403)
    registration = find_registration(claims["iss"], _client_id(claims))
    user = user_for_launch(registration, claims)
    _begin_framed_session(user, registration)
    if message.is_deep_link_launch():
        if not is_teacher(claims):
            return _refused(_("Only instructors can choose what to place in a course."), 403)
        session[LAUNCH_KEY] = message.get_launch_id()
        db.session.commit()
        return redirect(url_for("lti.deep_link"))
    course, module = _placement(claims.get(CLAIM + "custom") or {})
    if course is None:
        db.session.commit()
        return redirect(url_for("learning.catalogue"))
    if remember_grade_target(registration, user, course, module, claims) is not None:
        mark_finished_due(user.learner.id, course.id)  # finished before this launch
    db.session.commit()
    return redirect(_placement_url(course, module))


def _placement(custom: dict) -> tuple[Course | None, Module | None]:
    """The active course (and module) a placement names in its custom parameters."""
    slug = str(custom.get("course", ""))
    course = db.session.scalar(
        select(Course).where(Course.slug == slug, Course.is_active.is_(True))
    )
    if course is None or not custom.get("module"):
        return course, None
    module = db.session.scalar(
        select(Module).where(
            Module.course_id == course.id,
            Module.key == str(custom["module"]),
            Module.is_active.is_(True),
        )
    )
    return course, module


def _placement_url(course: Course, module: Module | None) -> str:
    if module is not None:
        first = db.session.scalar(
            select(Lesson.key)
            .where(Lesson.module_id == module.id, Lesson.is_active.is_(True))
            .order_by(Lesson.position)
            .limit(1)
        )
        if first is not None:
            return url_for("learning.lesson", slug=course.slug, key=first)
    return url_for("learning.course_overview", slug=course.slug)


def _choices() -> list[tuple[str, str]]:
    courses = db.session.scalars(
        select(Course)
        .options(selectinload(Course.modules))
        .where(Course.is_active.is_(True))
        .order_by(Course.title)
    )
    choices = []
    for course in courses:
        choices.append((course.slug, _("Whole course: %(title)s", title=course.title)))
        for module in course.modules:
            if module.is_active:
                choices.append(
                    (f"{course.slug}/{module.key}", _("Part: %(title)s", title=module.title))
                )
    return choices


def _resource(choice: str) -> DeepLinkResource:
    slug, _sep, module_key = choice.partition("/")
    course, module = _placement({"course": slug, "module": module_key})
    title = course.title if module is None else f"{course.title}: {module.title}"
    custom = {"course": slug} | ({"module": module_key} if module is not None else {})
    return (
        DeepLinkResource()
        .set_url(external_url("lti.launch"))
        .set_title(title)
        .set_custom_params(custom)
        .set_lineitem(LineItem().set_score_maximum(1).set_label(title).set_resource_id(slug))
    )


@bp.route("/lti/deep-link", methods=["GET", "POST"])
@login_required
def deep_link():
    launch_id = session.get(LAUNCH_KEY)
    if not launch_id:
        abort(404)
    try:
        message = FlaskMessageLaunch.from_cache(
            launch_id,
            FlaskRequest(),
            DatabaseToolConf(),
            launch_data_storage=DatabaseLaunchStorage(),
        )
    except (LtiException, SigningKeyError):
        session.pop(LAUNCH_KEY, None)
        return _refused(_("This choice took too long. Start again from your course."), 410)
    form = DeepLinkForm()
    form.choice.choices = _choices()
    if form.validate_on_submit():
        token = message.get_deep_link().get_response_jwt([_resource(form.choice.data)])
        return_url = message.get_launch_data()[DEEP_LINKING]["deep_link_return_url"]
        session.pop(LAUNCH_KEY, None)
        response = make_response(
            render_template("lti/deep_link_return.html", return_url=return_url, token=token)
        )
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(return_url))
        response.headers["Content-Security-Policy"] = policy_with(
            form_action=f"'self' {origin}", frame_ancestors=_frame_ancestors() or "'none'"
        )
        return response
    page = render_template("lti/deep_link.html", form=form)
    return page, (400 if form.errors else 200)


@bp.get("/lti/jwks.json")
def jwks():
    return Response(json.dumps(tool_jwks()), mimetype="application/json")


def _frame_ancestors() -> str:
    if FRAMED_SESSION_KEY not in session:  # `in` leaves the session unread: no Vary: Cookie
        return ""
    registration_id = session[FRAMED_SESSION_KEY]
    registration = db.session.get(LtiRegistration, registration_id)
    return " ".join(frame_origins(registration)) if registration is not None else ""


@bp.after_app_request
def frame_policy(response):
    """In a session a platform launched, its pages may be framed by that platform only."""
    if "Content-Security-Policy" not in response.headers:
        ancestors = _frame_ancestors()
        if ancestors:
            response.headers["Content-Security-Policy"] = policy_with(frame_ancestors=ancestors)
    return response


def _library_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind != OrganisationKind.NETWORK.value, Organisation.is_active)
        .order_by(Organisation.name)
    )
    return [(row.id, row.name) for row in rows]


@bp.route("/admin/lti", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def registrations():
    form = RegistrationForm()
    form.organisation_id.choices = _library_choices()
    if form.validate_on_submit():
        data = RegistrationData(
            name=form.name.data,
            issuer=form.issuer.data.strip(),
            client_id=form.client_id.data.strip(),
            deployment_ids=form.deployment_ids.data.splitlines(),
            auth_login_url=form.auth_login_url.data.strip(),
            auth_token_url=form.auth_token_url.data.strip(),
            key_set_url=form.key_set_url.data.strip(),
            organisation=db.session.get(Organisation, form.organisation_id.data),
            instructors_become_librarians=form.instructors_become_librarians.data,
            frame_origins=form.frame_origins.data or "",
        )
        try:
            registration = register_platform(current_user, data)
        except LtiError as error:
            field, message = ERRORS[error.reason]
            form[field].errors.append(message)
        else:
            db.session.commit()
            flash(_("%(name)s is registered.", name=registration.name), "success")
            return redirect(url_for("lti.registrations"))
    rows = db.session.scalars(
        select(LtiRegistration)
        .options(
            selectinload(LtiRegistration.deployments), selectinload(LtiRegistration.organisation)
        )
        .order_by(LtiRegistration.name)
    ).all()
    page = render_template(
        "lti/registrations.html",
        form=form,
        rows=rows,
        tool={
            "login": external_url("lti.login"),
            "launch": external_url("lti.launch"),
            "jwks": external_url("lti.jwks"),
        },
    )
    return page, (400 if form.errors else 200)
