"""The code itself: alphabet, grouping, normalising, keyed hashing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course_app.resume_codes.codes import (
    ALPHABET,
    LENGTH,
    code_digest,
    grouped,
    is_well_formed,
    new_code,
    normalise_code,
)


def test_new_codes_use_only_unambiguous_characters():
    for _ in range(200):
        code = new_code()
        assert is_well_formed(code)
        assert not set(code) & set("01OIL")


def test_a_code_is_shown_as_two_groups_of_four():
    assert grouped("K7QM4XPA") == "K7QM-4XPA"


@given(st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH))
def test_any_way_of_typing_a_code_gives_the_same_hash(code):
    typed = " " + grouped(code).lower().replace("-", " - ") + " "
    assert normalise_code(typed) == code
    assert code_digest(typed, "key") == code_digest(code, "key")


def test_the_hash_depends_on_the_secret_key_and_hides_the_code():
    digest = code_digest("K7QM4XPA", "one key")
    assert digest != code_digest("K7QM4XPA", "another key")
    assert "K7QM4XPA" not in digest and len(digest) == 64


def test_wrong_lengths_and_letters_are_not_well_formed():
    for text in ("", "K7QM4XP", "K7QM4XPAA", "K7QM4XP0", "K7QM4XPI"):
        assert not is_well_formed(normalise_code(text))
