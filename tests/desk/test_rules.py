"""The pure rules of the desk: usernames, passphrases, card numbers, CSV reading."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_app.accounts.passwords import _common_passwords
from course_app.desk.cards import (
    CardNumberError,
    card_digest,
    card_key,
    masked,
    normalise_card_number,
)
from course_app.desk.csv_import import MAX_ROWS, parse_patron_csv
from course_app.desk.passphrases import make_passphrase, passphrase_words
from course_app.desk.usernames import propose_username, username_base

# Usernames


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("María López", "maria.lopez"),
        ("  José  de la Cruz ", "jose.de.la.cruz"),
        ("O'Brien-Smith", "o.brien.smith"),
        ("王芳", "patron"),
        ("", "patron"),
        ("Ñandú 2", "nandu.2"),
    ],
)
def test_username_base_is_readable_ascii(name, expected):
    assert username_base(name) == expected


def test_proposals_count_up_past_taken_usernames():
    assert propose_username("Maria Lopez", set()) == "maria.lopez"
    assert propose_username("Maria Lopez", {"maria.lopez"}) == "maria.lopez2"
    assert propose_username("Maria Lopez", {"maria.lopez", "maria.lopez2"}) == "maria.lopez3"


def test_short_names_get_a_number_to_reach_three_characters():
    assert propose_username("Al", set()) == "al2"
    assert propose_username("Bo", {"bo2"}) == "bo3"


def test_long_names_leave_room_for_a_number():
    name = "Bartholomew Maximilian Fitzgerald-Worthington the Third"
    username = propose_username(name, {username_base(name)})
    assert len(username) <= 40 and username.endswith("2")


@given(st.text(max_size=200))
def test_any_name_gives_a_valid_username(name):
    import re

    username = propose_username(name, set())
    assert 3 <= len(username) <= 40
    assert re.fullmatch(r"[a-z0-9.]+", username)


# Passphrases


def test_passphrase_is_four_listed_words():
    words = make_passphrase().split(" ")
    assert len(words) == 4
    assert all(word in passphrase_words() for word in words)


def test_word_list_is_short_common_words_none_a_common_password():
    words = passphrase_words()
    assert len(words) >= 400
    assert all(3 <= len(w) <= 7 and w.isalpha() and w.islower() for w in words)


def test_passphrases_differ_and_are_not_common_passwords():
    phrases = {make_passphrase() for _ in range(200)}
    assert len(phrases) == 200
    assert not phrases & _common_passwords()


# Card numbers


def test_card_numbers_are_cleaned_before_hashing():
    assert normalise_card_number(" 2 1234-5678 9012 ") == "2123456789012"
    assert normalise_card_number("ab12cd34") == "AB12CD34"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("12345", "too-short"), ("1" * 21, "too-long"), ("1234/5678", "invalid"), ("", "invalid")],
)
def test_bad_card_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(CardNumberError) as error:
        normalise_card_number(raw)
    assert error.value.reason == reason


def test_card_hash_is_keyed_and_stable():
    key = card_key("secret one")
    assert card_digest("21234567", key) == card_digest("21234567", key)
    assert card_digest("21234567", key) != card_digest("21234567", card_key("secret two"))
    assert len(card_digest("21234567", key)) == 64
    assert "21234567" not in card_digest("21234567", key)


def test_cards_are_shown_masked():
    assert masked("9012") == "•••• 9012"


# CSV


def problems_of(text: str | bytes) -> list[tuple[int, str | None, str]]:
    data = text.encode() if isinstance(text, str) else text
    return [(p.line, p.column, p.code) for p in parse_patron_csv(data).problems]


def test_a_good_file_gives_its_rows_with_lines():
    parsed = parse_patron_csv(
        "\ufeffname,card_number,email,branch\r\n"
        "María López,2 1234 5678,maria@example.org,north-a\r\n"
        "\r\n"
        "Ana,,,\r\n".encode()
    )
    assert parsed.ok
    assert [(r.line, r.name, r.card_number, r.branch_code) for r in parsed.rows] == [
        (2, "María López", "212345678", "north-a"),
        (4, "Ana", "", ""),
    ]


def test_utf8_without_bom_and_only_a_name_column_are_fine():
    parsed = parse_patron_csv(b"Name\nAna\nLuis\n")
    assert parsed.ok and [r.name for r in parsed.rows] == ["Ana", "Luis"]


def test_semicolon_files_from_spanish_spreadsheets_are_read():
    parsed = parse_patron_csv(b"name;email\nAna;ana@example.org\n")
    assert parsed.ok and parsed.rows[0].email == "ana@example.org"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name,email\n,a@example.org\n", (2, "name", "name-missing")),
        ("name\n" + "x" * 121 + "\n", (2, "name", "name-too-long")),
        ("name,email\nAna,not-an-email\n", (2, "email", "email-bad")),
        ("name,email\nAna," + "a" * 250 + "@x.org\n", (2, "email", "email-too-long")),
        ("name,card_number\nAna,12/34/56\n", (2, "card_number", "card-invalid")),
        ("name,card_number\nAna,123\n", (2, "card_number", "card-too-short")),
        ("name,card_number\nAna," + "1" * 21 + "\n", (2, "card_number", "card-too-long")),
        ("name,branch\nAna," + "b" * 41 + "\n", (2, "branch", "branch-too-long")),
        ("name\nAna,extra\n", (2, None, "extra-values")),
        ("email\na@example.org\n", (1, "name", "header-missing-name")),
        ("name,phone\nAna,555\n", (1, None, "header-unknown-column")),
        ("name,name\nAna,Ana\n", (1, "name", "header-duplicate-column")),
        ("", (0, None, "empty")),
        ("name\n", (0, None, "no-rows")),
        ('name\n"Ana\n', (2, None, "not-csv")),
    ],
)
def test_every_problem_is_named_with_line_and_column(text, expected):
    assert expected in problems_of(text)


def test_duplicate_cards_in_the_file_point_at_the_first():
    parsed = parse_patron_csv(b"name,card_number\nAna,123456\nLuis,12-34-56\n")
    [problem] = parsed.problems
    assert (problem.line, problem.column, problem.code) == (
        3,
        "card_number",
        "card-duplicate-in-file",
    )
    assert problem.values == {"first": 2}


def test_binary_and_non_utf8_files_are_not_text():
    assert problems_of(b"\x89PNG\r\n\x1a\n\x00\x00") == [(0, None, "not-text")]
    assert problems_of("name\nJosé\n".encode("cp1252")) == [(0, None, "not-text")]
    assert problems_of(b"name\nA\x00na\n") == [(0, None, "not-text")]


def test_more_than_the_maximum_rows_is_refused():
    text = "name\n" + "".join(f"Person {n}\n" for n in range(MAX_ROWS + 1))
    assert problems_of(text) == [(0, None, "too-many-rows")]
    ok = "name\n" + "".join(f"Person {n}\n" for n in range(MAX_ROWS))
    assert parse_patron_csv(ok.encode()).ok


def test_multi_line_quoted_names_report_the_line_they_start_on():
    parsed = parse_patron_csv(b'name,email\n"Ana\nMaria",bad\nLuis,bad\n')
    assert [(p.line, p.code) for p in parsed.problems] == [(2, "email-bad"), (4, "email-bad")]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_reader(data):
    parsed = parse_patron_csv(data)
    for problem in parsed.problems:
        assert problem.line >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), max_size=6), max_size=20))
def test_random_csv_text_never_crashes_the_reader(rows):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["name", "card_number", "email", "branch"], *rows])
    parsed = parse_patron_csv(buffer.getvalue().encode())
    assert all(row.line >= 2 for row in parsed.rows)
