"""The public-computer setting, the "I'm still here" ping and the signed-out page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.accounts.services import mark_session_public
from course_app.extensions import db
from course_app.public_computer.forms import PublicComputerForm
from course_app.public_computer.idle import PUBLIC_KEY, end_visit
from course_app.public_computer.marker import set_marker
from course_app.public_computer.services import record_public_computer_change

bp = Blueprint("public_computer", __name__, url_prefix="/account/public-computer")


@bp.route("", methods=["GET", "POST"])
@role_required(Role.LIBRARIAN, *STAFF_ROLES)
def setting():
    form = PublicComputerForm(public="yes" if g.public_computer else "no")
    if form.validate_on_submit():
        public = form.public.data == "yes"
        marker = record_public_computer_change(current_user, public, request.user_agent.string)
        mark_session_public(current_user, public)
        db.session.commit()
        # The visit carries the mark too (idle.py); taking it off takes it from the visit.
        g.public_computer = marker
        session.pop(PUBLIC_KEY, None)
        flash(
            _("This browser is now a public computer.")
            if public
            else _("This browser is no longer a public computer."),
            "success",
        )
        response = redirect(url_for("public_computer.setting"))
        set_marker(current_app, response, marker)
        return response
    return render_template("public_computer/setting.html", form=form), (400 if form.errors else 200)


@bp.post("/still-here")
def still_here():
    """The warning's button: the request itself is the activity (idle.py); CSRF-checked."""
    return make_response("", 204)


@bp.post("/timed-out")
def timed_out():
    """The page script's end of time: ends the visit even if another tab was used since."""
    end_visit()
    db.session.commit()
    return redirect(url_for("public_computer.signed_out"))


@bp.get("/signed-out")
def signed_out():
    return render_template("public_computer/signed_out.html")
