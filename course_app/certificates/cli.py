from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="Look up and revoke certificates.")
