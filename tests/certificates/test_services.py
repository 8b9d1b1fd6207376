"""Issuing, finding and revoking certificates, without HTTP."""

from __future__ import annotations

import math
import string
import unicodedata

import pytest

from course_app.certificates.services import (
    CertificateError,
    find_certificate,
    issue_certificate,
    new_certificate_code,
    recent_certificates,
    revoke_certificate,
)
from course_app.extensions import db
from tests.certificates.builders import build_course, certificate_for, complete_course, learner_of

URL_SAFE = set(string.ascii_letters + string.digits + "-_")


@pytest.fixture
def ctx(app_ctx, make_user):
    make_user("ana", display_name="Ana")
    make_user("ben", display_name="Ben")
    return app_ctx


def test_code_carries_at_least_128_random_bits_in_groups_without_look_alikes():
    codes = {new_certificate_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4] * 7
        characters = "".join(groups)
        assert set(characters) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        assert not set(characters) & set("ILOU")
        # Each of 32 characters carries 5 bits.
        assert len(characters) * math.log2(32) >= 128
    assert set(code) <= URL_SAFE


def test_issuing_before_the_course_is_complete_is_refused(ctx):
    course = build_course()
    learner = learner_of("ana")
    with pytest.raises(CertificateError) as error:
        issue_certificate(learner, course, "Ana", "en")
    assert error.value.reason == CertificateError.COURSE_NOT_COMPLETE


def test_issuing_after_some_lessons_only_is_refused(ctx):
    course = build_course(lesson_count=2)
    learner = learner_of("ana")
    from tests.factories import complete_lesson

    complete_lesson(learner, course.modules[0].lessons[0])
    with pytest.raises(CertificateError):
        issue_certificate(learner, course, "Ana", "en")


def test_issuing_after_completion_stores_the_name_trimmed_and_nfc(ctx):
    course = build_course()
    learner = learner_of("ana")
    complete_course(learner, course)
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Minh Khai ")
    cert = issue_certificate(learner, course, decomposed, "es")
    assert cert.recipient_name == "Nguyễn Thị Minh Khai"
    assert cert.language == "es"
    assert cert.learner_id == learner.id and cert.course_id == course.id
    assert cert.is_valid and cert.issued_at is not None


def test_a_second_claim_returns_the_same_certificate_unchanged(ctx):
    course = build_course()
    first = certificate_for("ana", course, name="Ana Pérez")
    again = issue_certificate(learner_of("ana"), course, "Someone Else", "es")
    assert again.id == first.id
    assert again.code == first.code
    assert again.recipient_name == "Ana Pérez"
    assert again.language == "en"


def test_each_learner_gets_their_own_unique_code(ctx):
    course = build_course()
    ana = certificate_for("ana", course)
    ben = certificate_for("ben", course)
    assert ana.code != ben.code


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", CertificateError.NAME_EMPTY),
        ("   ", CertificateError.NAME_EMPTY),
        ("x" * 121, CertificateError.NAME_TOO_LONG),
        ("Ana\nPérez", CertificateError.NAME_INVALID),
    ],
)
def test_unprintable_names_are_refused(ctx, name, reason):
    course = build_course()
    learner = learner_of("ana")
    complete_course(learner, course)
    with pytest.raises(CertificateError) as error:
        issue_certificate(learner, course, name, "en")
    assert error.value.reason == reason


def test_a_name_of_exactly_120_characters_after_trimming_is_accepted(ctx):
    course = build_course()
    cert = certificate_for("ana", course, name="  " + "é" * 120 + "  ")
    assert cert.recipient_name == "é" * 120


def test_a_code_is_found_however_it_is_typed_but_never_when_incomplete(ctx):
    course = build_course()
    cert = certificate_for("ana", course)
    assert find_certificate(cert.code).id == cert.id
    assert find_certificate(cert.code.lower()).id == cert.id
    assert find_certificate(cert.code.replace("-", " ")).id == cert.id
    assert find_certificate(cert.code.replace("-", "")).id == cert.id
    assert find_certificate(cert.code.replace("0", "o").replace("1", "l")).id == cert.id
    assert find_certificate(cert.code[:-1]) is None
    assert find_certificate("not a code!") is None
    assert find_certificate("") is None


def test_codes_issued_before_keep_verifying_exactly(ctx):
    course = build_course()
    cert = certificate_for("ana", course)
    cert.code = "aB3_x-Yz09aB3_x-Yz09aB3_x-Yz09aB"  # token_urlsafe(24), as issued before
    db.session.flush()
    assert find_certificate("aB3_x-Yz09aB3_x-Yz09aB3_x-Yz09aB").id == cert.id
    assert find_certificate("aB3_x-Yz09aB3_x-Yz09aB3_x-Yz09aB".swapcase()) is None


def test_revoking_records_time_and_reason_and_only_once(ctx):
    course = build_course()
    cert = certificate_for("ana", course)
    revoke_certificate(cert, "  Issued by mistake  ")
    assert not cert.is_valid
    assert cert.revoked_at is not None
    assert cert.revoked_reason == "Issued by mistake"
    with pytest.raises(CertificateError) as error:
        revoke_certificate(cert, "again")
    assert error.value.reason == CertificateError.ALREADY_REVOKED


def test_revoking_needs_a_reason(ctx):
    course = build_course()
    cert = certificate_for("ana", course)
    with pytest.raises(CertificateError) as error:
        revoke_certificate(cert, "   ")
    assert error.value.reason == CertificateError.REASON_EMPTY
    assert cert.is_valid


def test_recent_certificates_are_newest_first_and_searchable_by_code_prefix(ctx):
    course = build_course()
    ana = certificate_for("ana", course)
    ben = certificate_for("ben", course)
    db.session.flush()
    assert [c.id for c in recent_certificates()] == [ben.id, ana.id]
    assert [c.id for c in recent_certificates(ana.code[:10])] == [ana.id]
    assert recent_certificates("%") == []


def test_codes_never_start_with_a_dash():
    # A code pasted after `flask certificates revoke` must not read as an option.
    assert not any(new_certificate_code().startswith("-") for _ in range(200))
