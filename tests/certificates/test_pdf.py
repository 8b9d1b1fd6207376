"""The certificate PDF: one landscape page, embedded Unicode fonts, exact names, a QR code."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from course_app.certificates.pdf import render_certificate_pdf
from tests.certificates.builders import build_course, certificate_for

VERIFY_URL = "https://learn.example.org/verify/"


@pytest.fixture
def ctx(app, make_user):
    make_user("ana")
    make_user("ben")
    with app.test_request_context("/"):
        yield app


def _pdf(cert) -> tuple[bytes, PdfReader]:
    data = render_certificate_pdf(cert, VERIFY_URL + cert.code, site_name="Riverside Library")
    return data, PdfReader(io.BytesIO(data))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("name", ["Nguyễn Thị Minh Khai", "Zoë O'Brien-Núñez"])
def test_names_with_accents_come_out_of_the_pdf_exactly(ctx, name):
    cert = certificate_for("ana", build_course(title="Using email safely"), name=name)
    data, reader = _pdf(cert)
    assert data.startswith(b"%PDF")
    text = _text(reader)
    assert name in text
    assert "Using email safely" in text
    assert "Riverside Library" in text
    assert cert.code in text
    assert VERIFY_URL + cert.code in text.replace("\n", "")


def test_the_pdf_is_one_landscape_page_with_embedded_fonts_and_a_qr_image(ctx):
    cert = certificate_for("ana", build_course())
    _, reader = _pdf(cert)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    fonts = page["/Resources"]["/Font"]
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for font in fonts.values()
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)
    assert any("DejaVu" in str(font.get_object()["/BaseFont"]) for font in fonts.values())
    assert len(page.images) == 1


def test_the_pdf_has_a_title_in_its_metadata(ctx):
    cert = certificate_for("ana", build_course(title="Using email safely"), name="Ana Pérez")
    _, reader = _pdf(cert)
    assert "Using email safely" in reader.metadata.title
    assert "Ana Pérez" in reader.metadata.title
    assert reader.metadata.author == "Riverside Library"


def test_the_date_is_written_in_the_certificate_language(ctx):
    course = build_course()
    english = certificate_for("ana", course, language="en")
    spanish = certificate_for("ben", course, language="es")
    for cert in (english, spanish):
        cert.issued_at = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
    assert "March 14, 2026" in _text(_pdf(english)[1])
    assert "14 de marzo de 2026" in _text(_pdf(spanish)[1])


def test_a_name_of_the_longest_allowed_length_still_fits_on_one_page(ctx):
    long_name = "Maria de los Ángeles Fernández-Villanueva " * 3
    cert = certificate_for("ana", build_course(title="A course " * 20), name=long_name[:120])
    _, reader = _pdf(cert)
    assert len(reader.pages) == 1


def test_letter_paper_is_available(ctx):
    cert = certificate_for("ana", build_course())
    data = render_certificate_pdf(cert, VERIFY_URL + cert.code, paper="Letter")
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert round(float(page.mediabox.width)) == 792
    assert round(float(page.mediabox.height)) == 612


def test_a_revoked_certificate_says_so_on_the_pdf(ctx):
    from course_app.certificates.services import revoke_certificate

    cert = certificate_for("ana", build_course())
    assert "revoked" not in _text(_pdf(cert)[1])
    revoke_certificate(cert, "Mistake")
    text = _text(_pdf(cert)[1])
    assert "This certificate has been revoked." in text
    assert "Mistake" not in text


def test_the_pdf_shows_the_holders_library_and_the_course_length(ctx):
    course = build_course(title="Using email safely")
    course.minutes = 95
    cert = certificate_for("ana", course)
    data = render_certificate_pdf(
        cert, VERIFY_URL + cert.code, library_name="Eastside Branch Library"
    )
    text = _text(PdfReader(io.BytesIO(data)))
    assert "Eastside Branch Library" in text
    assert "Course length: about 1 hour 35 minutes" in text
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_the_pdf_view_names_the_library_of_a_patron_who_has_one(app, make_user):
    from sqlalchemy import select

    from course_app.accounts.models import User
    from course_app.extensions import db
    from course_app.libraries.models import Organisation
    from tests.conftest import sign_in
    from tests.factories import make_library_tree

    make_user("cleo")
    with app.app_context():
        branch_id = make_library_tree()["north-a"]
        user = db.session.scalar(select(User).where(User.username == "cleo"))
        user.organisation_id = branch_id
        branch_name = db.session.get(Organisation, branch_id).name
        cert = certificate_for("cleo", build_course())
        code = cert.code
        db.session.commit()
    client = app.test_client()
    sign_in(client, "cleo")
    text = _text(PdfReader(io.BytesIO(client.get(f"/certificates/{code}.pdf").data)))
    assert branch_name in text
