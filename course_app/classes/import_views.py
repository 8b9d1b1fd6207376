"""Importing patrons from a CSV file into a class: the desk's import pages with the class
carried through, so the whole class is set up from one spreadsheet."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from course_app.accounts.access import role_required
from course_app.classes.imports import class_import_place
from course_app.classes.models import LearningClass
from course_app.desk.import_pages import create_page, preview_page, upload_form, upload_page
from course_app.extensions import db
from course_app.libraries.access import require_visible
from course_app.libraries.views import LIBRARY_ROLES

bp = Blueprint("class_import", __name__)


def _load_class(class_id: int) -> LearningClass:
    """The class when its library is one the user may see; a 404 otherwise."""
    learning_class = db.session.get(LearningClass, class_id)
    if learning_class is None:
        abort(404)
    require_visible(current_user, learning_class.organisation)
    return learning_class


@bp.route("/classes/<int:class_id>/import", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def upload(class_id: int):
    learning_class = _load_class(class_id)
    place = class_import_place(current_user, learning_class)
    form = upload_form(place)
    if form.validate_on_submit():
        return preview_page(place, form, learning_class)
    return upload_page(form, learning_class)


@bp.post("/classes/<int:class_id>/import/create")
@role_required(*LIBRARY_ROLES)
def create(class_id: int):
    learning_class = _load_class(class_id)
    return create_page(class_import_place(current_user, learning_class), learning_class)
