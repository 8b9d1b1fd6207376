"""Running a class: editing it, acting on several patrons at once, its certificates, and a
printable sign-in sheet."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.accounts.access import role_required
from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.classes.bulk import chosen_members, remove_members
from course_app.classes.forms import (
    ChosenPatronsForm,
    ConfirmForm,
    EditClassForm,
    RemoveChosenForm,
    apply_error,
)
from course_app.classes.help_marks import mark_help_handled
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.classes.reminders import queue_messages, record_reminders, reminder_list
from course_app.classes.services import ClassError, find_member, update_class
from course_app.classes.table import class_patrons, class_table
from course_app.classes.views import LIBRARY_ROLES, help_rules, load_class
from course_app.db import utc_now
from course_app.extensions import db
from course_app.mail import mail_configured

bp = Blueprint("class_tools", __name__)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def edit(class_id: int):
    learning_class = load_class(class_id)
    form = EditClassForm(obj=learning_class)
    if form.validate_on_submit():
        try:
            changed = update_class(
                current_user,
                learning_class,
                form.name.data,
                form.schedule_note.data,
                form.notes.data,
            )
        except ClassError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            if changed:
                flash(_("The class is saved."), "success")
            return redirect(url_for("classes.show", class_id=class_id))
    page = render_template("classes/edit.html", learning_class=learning_class, form=form)
    return page, (400 if form.errors else 200)


@bp.get("/classes/<int:class_id>/chosen")
@role_required(*LIBRARY_ROLES)
def chosen(class_id: int):
    """The patrons ticked in the progress table: set them work, or confirm removing them."""
    learning_class = load_class(class_id)
    form = ChosenPatronsForm(formdata=request.args)
    if not form.validate():
        abort(400)
    patrons = chosen_members(learning_class, form.user_ids.data or [])
    if not patrons:
        flash(_("Tick at least one person in the table first."), "error")
        return redirect(url_for("classes.show", class_id=class_id))
    ids = [p.id for p in patrons]
    if form.action.data == "assign":
        return redirect(url_for("classes.assign", class_id=class_id, user_ids=ids))
    return render_template(
        "classes/remove_chosen.html",
        learning_class=learning_class,
        patrons=patrons,
        form=RemoveChosenForm(user_ids=ids),
    )


@bp.post("/classes/<int:class_id>/members/remove-chosen")
@role_required(*LIBRARY_ROLES)
def remove_chosen(class_id: int):
    learning_class = load_class(class_id)
    form = RemoveChosenForm()
    if not form.validate_on_submit():
        abort(400)
    patrons = chosen_members(learning_class, form.user_ids.data or [])
    try:
        removed = remove_members(current_user, learning_class, patrons)
    except ClassError:
        abort(400)
    db.session.commit()
    flash(_("%(num)d removed from the class.", num=removed), "success")
    return redirect(url_for("classes.show", class_id=class_id))


def class_certificates(learning_class: LearningClass) -> list[tuple[Certificate, User]]:
    """Certificates the class's patrons earned for courses set in the class, newest first."""
    courses = select(Assignment.course_id).where(Assignment.class_id == learning_class.id)
    return list(
        db.session.execute(
            select(Certificate, User)
            .options(joinedload(Certificate.course))
            .join(Learner, Learner.id == Certificate.learner_id)
            .join(User, User.id == Learner.user_id)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(
                ClassMember.class_id == learning_class.id,
                Certificate.course_id.in_(courses),
            )
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).tuples()
    )


@bp.get("/classes/<int:class_id>/certificates")
@role_required(*LIBRARY_ROLES)
def certificates(class_id: int):
    learning_class = load_class(class_id)
    return render_template(
        "classes/certificates.html",
        learning_class=learning_class,
        rows=class_certificates(learning_class),
    )


@bp.get("/classes/<int:class_id>/sign-in-sheet")
@role_required(*LIBRARY_ROLES)
def sign_in_sheet(class_id: int):
    learning_class = load_class(class_id)
    return render_template(
        "classes/sign_in_sheet.html",
        learning_class=learning_class,
        members=class_patrons(learning_class),
        blank_rows=5,
    )


@bp.post("/classes/<int:class_id>/help/<int:user_id>/handled")
@role_required(*LIBRARY_ROLES)
def mark_handled(class_id: int, user_id: int):
    learning_class = load_class(class_id)
    patron = find_member(learning_class, user_id)
    if patron is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mark_help_handled(current_user, learning_class, patron, utc_now())
    db.session.commit()
    flash(
        _(
            "%(name)s is marked handled. A new flag shows if they get stuck again.",
            name=patron.display_name,
        ),
        "success",
    )
    return redirect(url_for("classes.show", class_id=class_id))


@bp.route("/classes/<int:class_id>/reminders", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def reminders(class_id: int):
    """Due-date reminders for the class, or for one patron in it (?user_id=)."""
    learning_class = load_class(class_id)
    only = request.values.get("user_id", type=int)
    if only is not None and find_member(learning_class, only) is None:
        abort(404)
    table = class_table(learning_class, utc_now(), help_rules())
    waiting = reminder_list(table, only)
    form = ConfirmForm()
    if request.method == "POST":
        if not mail_configured():
            abort(404)
        if not form.validate_on_submit():
            abort(400)
        messages = record_reminders(current_user, learning_class, waiting, utc_now().date())
        db.session.commit()
        queue_messages(messages)
        flash(
            ngettext(
                "%(num)d reminder is on its way by email.",
                "%(num)d reminders are on their way by email.",
                len(messages),
            ),
            "success",
        )
        return redirect(url_for("classes.show", class_id=class_id))
    return render_template(
        "classes/reminders.html",
        learning_class=learning_class,
        by_email=[r for r in waiting if r.email],
        in_person=[r for r in waiting if not r.email],
        mail_ready=mail_configured(),
        only=only,
    )
