import click
from flask.cli import AppGroup

courses_cli = AppGroup("courses", help="Validate and import course files.")
