from flask import Blueprint

bp = Blueprint("learning", __name__)


@bp.get("/")
def catalogue():
    return "catalogue"


@bp.get("/my-learning")
def my_learning():
    return "my"
