"""Forms for claiming, looking up and revoking certificates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from course_app.certificates.services import NAME_MAX_LENGTH, REASON_MAX_LENGTH, CertificateError
from course_app.forms import BaseForm

# What a person reads when the service refuses; keys are CertificateError reasons.
ERROR_MESSAGES = {
    CertificateError.COURSE_NOT_COMPLETE: _l("Finish every part of the course first."),
    CertificateError.NAME_EMPTY: _l("Enter the name to print on your certificate."),
    CertificateError.NAME_TOO_LONG: _l("Use %(n)d characters or fewer.", n=NAME_MAX_LENGTH),
    CertificateError.NAME_INVALID: _l("Type the name on one line, using letters and spaces."),
    CertificateError.REASON_EMPTY: _l("Say why the certificate is revoked."),
    CertificateError.REASON_TOO_LONG: _l("Use %(n)d characters or fewer.", n=REASON_MAX_LENGTH),
    CertificateError.ALREADY_REVOKED: _l("This certificate was already revoked."),
    CertificateError.SAME_NAME: _l("This is the name already printed. Type the corrected name."),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClaimCertificateForm(BaseForm):
    recipient_name = StringField(
        _l("Your full name, as it should be printed"),
        filters=[_strip],
        validators=[
            DataRequired(ERROR_MESSAGES[CertificateError.NAME_EMPTY]),
            Length(max=NAME_MAX_LENGTH, message=ERROR_MESSAGES[CertificateError.NAME_TOO_LONG]),
        ],
    )
    # Set by the confirm step's "Yes" button: the name was shown back and is right.
    confirmed = HiddenField(filters=[lambda v: v == "1"])
    submit = SubmitField(_l("Check my name"))
    change = SubmitField(_l("Change the name"))


# Older codes are case-sensitive: phones must not "correct" them.
CODE_INPUT = {"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false"}


class VerifyLookupForm(BaseForm):
    """Typed on the public verify page; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        filters=[lambda v: "".join(v.split()) if isinstance(v, str) else v],
        validators=[DataRequired(_l("Enter the code printed on the certificate.")), Length(max=64)],
        render_kw=CODE_INPUT,
    )
    submit = SubmitField(_l("Check certificate"))


class CertificateSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Certificate code, or its first characters"), filters=[_strip], render_kw=CODE_INPUT
    )
    submit = SubmitField(_l("Search"))


class RevokeCertificateForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        filters=[_strip],
        validators=[
            DataRequired(ERROR_MESSAGES[CertificateError.REASON_EMPTY]),
            Length(max=REASON_MAX_LENGTH, message=ERROR_MESSAGES[CertificateError.REASON_TOO_LONG]),
        ],
    )
    submit = SubmitField(_l("Revoke certificate"))


class ReissueCertificateForm(BaseForm):
    """Staff and librarians correct the printed name; the certificate gets a new code."""

    recipient_name = StringField(
        _l("Corrected name"),
        filters=[_strip],
        validators=[
            DataRequired(ERROR_MESSAGES[CertificateError.NAME_EMPTY]),
            Length(max=NAME_MAX_LENGTH, message=ERROR_MESSAGES[CertificateError.NAME_TOO_LONG]),
        ],
    )
    submit = SubmitField(_l("Reissue with this name"))
