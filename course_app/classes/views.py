"""Class pages for librarians (list, create, members, assignments, progress, CSV, roster)
and the join page for patrons."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import role_required
from course_app.accounts.models import Role
from course_app.accounts.throttle import record_hit, wait_seconds
from course_app.classes.bulk import assign_to_patrons, chosen_members
from course_app.classes.csv_cells import csv_lines
from course_app.classes.forms import (
    AddMembersForm,
    ArchiveForm,
    AssignmentForm,
    ClassForm,
    ConfirmForm,
    JoinCodeForm,
    JoinForm,
    PatronSearchForm,
    ProgressViewForm,
    apply_error,
)
from course_app.classes.models import Assignment, LearningClass
from course_app.classes.services import (
    ClassError,
    add_members,
    change_join_code,
    create_assignment,
    create_class,
    find_member,
    join_class_by_code,
    patrons_for_picking,
    remove_assignment,
    remove_member,
    set_class_archived,
    visible_classes,
)
from course_app.classes.status import HelpRules
from course_app.classes.table import class_patrons, class_table
from course_app.classes.table_text import table_text
from course_app.classes.view_choices import (
    assignment_target,
    library_choices,
    what_choices,
    who_choices,
)
from course_app.db import utc_now
from course_app.extensions import db
from course_app.libraries.access import require_visible
from course_app.libraries.models import Organisation
from course_app.libraries.views import LIBRARY_ROLES

bp = Blueprint("classes", __name__)


def load_class(class_id: int) -> LearningClass:
    """The class when its library is one the user may see; a 404 otherwise."""
    learning_class = db.session.get(LearningClass, class_id)
    if learning_class is None:
        abort(404)
    require_visible(current_user, learning_class.organisation)
    return learning_class


@bp.get("/classes")
@role_required(*LIBRARY_ROLES)
def index():
    return render_template("classes/index.html", classes=visible_classes(current_user))


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def new():
    form = ClassForm()
    form.organisation_id.choices = library_choices(current_user)
    if form.validate_on_submit():
        organisation = require_visible(
            current_user, db.session.get(Organisation, form.organisation_id.data)
        )
        try:
            learning_class = create_class(
                current_user, organisation, form.name.data, form.schedule_note.data
            )
        except ClassError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is created.", name=learning_class.name), "success")
            return redirect(url_for("classes.show", class_id=learning_class.id))
    return render_template("classes/new.html", form=form), (400 if form.errors else 200)


def help_rules() -> HelpRules:
    """The "may need help" thresholds from the settings."""
    config = current_app.config
    return HelpRules(
        idle_days=config["HELP_IDLE_DAYS"],
        due_within_days=config["HELP_DUE_WITHIN_DAYS"],
        failed_tries=config["HELP_FAILED_TRIES"],
        overdue_within_days=config["HELP_OVERDUE_WITHIN_DAYS"],
    )


def _arrange(rows: list, how: ProgressViewForm) -> list:
    """The rows as asked: only those who may need help, and in the chosen order."""
    if how.show.data == "help":
        rows = [pair for pair in rows if pair[0].needs_help]
    if how.sort.data == "help":
        rows = sorted(rows, key=lambda pair: not pair[0].needs_help)
    elif how.sort.data == "activity":
        oldest = datetime.min.replace(tzinfo=UTC)
        rows = sorted(rows, key=lambda pair: pair[0].last_activity or oldest)
    return rows


@bp.get("/classes/<int:class_id>")
@role_required(*LIBRARY_ROLES)
def show(class_id: int):
    learning_class = load_class(class_id)
    how = ProgressViewForm(formdata=request.args)
    if not how.validate():
        how = ProgressViewForm(formdata=None)
    rules = help_rules()
    table = class_table(learning_class, utc_now(), rules)
    header, cells = table_text(table)
    rows = list(zip(table.rows, cells, strict=True))
    return render_template(
        "classes/show.html",
        learning_class=learning_class,
        table=table,
        header=header,
        rows=_arrange(rows, how),
        flagged=sum(1 for row in table.rows if row.needs_help),
        rules=rules,
        how=how,
        confirm=ConfirmForm(),
    )


@bp.get("/classes/<int:class_id>/export.csv")
@role_required(*LIBRARY_ROLES)
def export_csv(class_id: int):
    learning_class = load_class(class_id)
    table = class_table(learning_class, utc_now(), help_rules())
    header, rows = table_text(table)
    filename = f"class-{learning_class.id}-progress.csv"
    return Response(
        csv_lines(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/classes/<int:class_id>/roster")
@role_required(*LIBRARY_ROLES)
def roster(class_id: int):
    learning_class = load_class(class_id)
    members = class_patrons(learning_class)
    return render_template("classes/roster.html", learning_class=learning_class, members=members)


@bp.route("/classes/<int:class_id>/members", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def members(class_id: int):
    learning_class = load_class(class_id)
    search = PatronSearchForm(formdata=request.args)
    search.validate()
    form = AddMembersForm()
    if form.validate_on_submit():
        try:
            added = add_members(current_user, learning_class, form.user_ids.data or [])
        except ClassError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("%(num)d added to the class.", num=len(added)), "success")
            return redirect(url_for("classes.show", class_id=class_id))
    words, page_number = ("", 1) if search.errors else (search.q.data, search.page.data or 1)
    found = patrons_for_picking(current_user, learning_class, words, page_number)
    form.user_ids.choices = [(p.id, f"{p.display_name} ({p.username})") for p in found.items]
    page = render_template(
        "classes/members.html",
        learning_class=learning_class,
        search=search,
        found=found,
        words=words,
        form=form,
        members=class_patrons(learning_class),
    )
    return page, (400 if form.errors else 200)


def _confirm_page(
    learning_class: LearningClass,
    question: str,
    explanation: str,
    button: str,
    hidden: dict | None = None,
    back: str | None = None,
    field=None,
):
    """A page that asks before a change that cannot be undone by a click: works without JS."""
    return render_template(
        "classes/confirm.html",
        learning_class=learning_class,
        question=question,
        explanation=explanation,
        button=button,
        hidden=hidden or {},
        back=back or url_for("classes.show", class_id=learning_class.id),
        field=field,
    )


@bp.route("/classes/<int:class_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def remove_patron(class_id: int, user_id: int):
    learning_class = load_class(class_id)
    patron = find_member(learning_class, user_id)
    if patron is None:
        abort(404)
    if request.method == "GET":
        return _confirm_page(
            learning_class,
            _(
                "Remove %(name)s from %(class)s?",
                name=patron.display_name,
                **{"class": learning_class.name},
            ),
            _(
                "Work set for them alone in this class is removed too. They keep their progress "
                "and certificates."
            ),
            _("Yes, remove from class"),
            back=url_for("classes.members", class_id=class_id),
        )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    remove_member(current_user, learning_class, patron)
    db.session.commit()
    flash(_("%(name)s is no longer in this class.", name=patron.display_name), "success")
    return redirect(url_for("classes.members", class_id=class_id))


@bp.route("/classes/<int:class_id>/join-code", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def new_join_code(class_id: int):
    learning_class = load_class(class_id)
    form = JoinCodeForm()
    if request.method == "GET":
        return _confirm_page(
            learning_class,
            _("Make a new class code for %(name)s?", name=learning_class.name),
            _(
                "The code %(code)s stops working at once. Patrons already in the class stay in it.",
                code=learning_class.join_code,
            ),
            _("Yes, make a new code"),
            field=form.valid_days,
        )
    if not form.validate_on_submit():
        abort(400)
    code = change_join_code(current_user, learning_class, form.valid_days.data or None)
    db.session.commit()
    flash(_("The new class code is %(code)s. The old code no longer works.", code=code), "success")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.route("/classes/<int:class_id>/archive", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def archive(class_id: int):
    learning_class = load_class(class_id)
    if request.method == "GET":
        if learning_class.archived:
            return _confirm_page(
                learning_class,
                _("Make %(name)s active again?", name=learning_class.name),
                _("Patrons see its work again and its code works again."),
                _("Yes, make it active"),
                hidden={"archived": "no"},
            )
        return _confirm_page(
            learning_class,
            _("Archive %(name)s?", name=learning_class.name),
            _(
                "Patrons no longer see its work and its code stops working. Progress is kept, "
                "and you can make the class active again."
            ),
            _("Yes, archive the class"),
            hidden={"archived": "yes"},
        )
    form = ArchiveForm()
    if not form.validate_on_submit():
        abort(400)
    set_class_archived(current_user, learning_class, form.archived.data == "yes")
    db.session.commit()
    if learning_class.archived:
        flash(_("The class is archived. Patrons no longer see its work."), "success")
    else:
        flash(_("The class is active again."), "success")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.route("/classes/<int:class_id>/assignments/new", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def assign(class_id: int):
    learning_class = load_class(class_id)
    form = AssignmentForm()
    if request.method == "GET":
        form.user_ids.data = request.args.getlist("user_ids", type=int)
    form.what.choices = what_choices()
    form.who.choices = who_choices(learning_class)
    # Patrons ticked in the progress table: each gets the work for them alone.
    chosen = chosen_members(learning_class, form.user_ids.data or [])
    if chosen:
        form.who.data = 0
    if form.validate_on_submit():
        course, module, patron = assignment_target(learning_class, form.what.data, form.who.data)
        try:
            if chosen:
                assign_to_patrons(
                    current_user,
                    learning_class,
                    course,
                    module,
                    chosen,
                    form.due_on.data,
                    form.note.data,
                    today=utc_now().date(),
                )
            else:
                create_assignment(
                    current_user,
                    learning_class,
                    course,
                    module,
                    patron,
                    form.due_on.data,
                    form.note.data,
                    today=utc_now().date(),
                )
        except ClassError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The work is assigned."), "success")
            return redirect(url_for("classes.show", class_id=class_id))
    page = render_template(
        "classes/assign.html", learning_class=learning_class, form=form, chosen=chosen
    )
    return page, (400 if form.errors else 200)


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/remove")
@role_required(*LIBRARY_ROLES)
def unassign(class_id: int, assignment_id: int):
    learning_class = load_class(class_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.class_id != learning_class.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    remove_assignment(current_user, assignment)
    db.session.commit()
    flash(_("The assignment is removed. Patrons keep their progress."), "success")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.route("/join", methods=["GET", "POST"])
@role_required(Role.LEARNER)
def join():
    form = JoinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        keys = (
            (f"join:account:{current_user.id}", "JOIN_ACCOUNT_LIMIT"),
            (
                f"join:address:{request.remote_addr}",
                "JOIN_ADDRESS_LIMIT",
            ),
        )
        if any(wait_seconds(key, setting) for key, setting in keys):
            form.code.errors.append(_("Too many codes that did not work. Try again later."))
            return render_template("classes/join.html", form=form), 429
        try:
            learning_class, new_member = join_class_by_code(current_user, form.code.data)
        except ClassError as error:
            apply_error(form, error)
            for key, setting in keys:  # only codes that did not work are counted
                record_hit(key, setting)
            db.session.commit()
        else:
            db.session.commit()
            if new_member:
                flash(_("You joined %(name)s.", name=learning_class.name), "success")
            else:
                flash(_("You are already in %(name)s.", name=learning_class.name), "success")
            return redirect(url_for("learning.my_learning"))
    return render_template("classes/join.html", form=form), (400 if form.errors else 200)
