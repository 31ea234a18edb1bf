"""Name normalisation and typo distance: properties (hypothesis) and ICE's own spellings."""

from __future__ import annotations

import re
import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from wso.registry.identity import identity_key
from wso.registry.text import APOSTROPHES, clean, edit_distance, name_key, within_one_edit

# Agency names are written in the Latin alphabet (accents included: Doña Ana County)
words = st.text(alphabet=string.ascii_letters + string.digits + "éñüÉÑÜáÁ", min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=6).map(" ".join)
spaces = st.text(alphabet=" \t\xa0\u2009", max_size=3)


@given(names)
def test_name_key_is_idempotent(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@given(names, spaces, spaces)
def test_name_key_ignores_case_and_surrounding_whitespace(name: str, before: str, after: str) -> None:
    assert name_key(before + name.upper() + after) == name_key(name.lower()) == name_key(name)


@given(names, st.sampled_from(list(APOSTROPHES)), st.integers(min_value=0, max_value=40))
def test_name_key_ignores_apostrophes_of_every_kind(name: str, mark: str, at: int) -> None:
    at = min(at, len(name))
    assert name_key(name[:at] + mark + name[at:]) == name_key(name)


@given(st.lists(words, min_size=1, max_size=5), st.sampled_from([" ", "  ", " - ", ", ", ". ", "\xa0"]))
def test_name_key_treats_punctuation_and_spacing_between_words_alike(parts: list[str], sep: str) -> None:
    assert name_key(sep.join(parts)) == name_key(" ".join(parts))


@given(st.text(max_size=30))
def test_clean_leaves_no_outer_or_double_whitespace(text: str) -> None:
    cleaned = clean(text)
    if cleaned is not None:
        assert cleaned == cleaned.strip() and "  " not in cleaned and "\xa0" not in cleaned


def test_sheriffs_office_spellings() -> None:
    spellings = [
        "Walker County Sheriff's Office",
        "Walker County Sheriff’s Office",
        "WALKER COUNTY SHERIFFS OFFICE ",
        "Walker County Sheriff’s Department",
        "Walker  County Sheriff's Office.",
    ]
    assert {identity_key(name_key(s)) for s in spellings} == {"walker county sheriffs office"}


@given(st.text(alphabet="abcde", max_size=8), st.text(alphabet="abcde", max_size=8))
def test_within_one_edit_agrees_with_edit_distance(a: str, b: str) -> None:
    assert within_one_edit(a, b) == (edit_distance(a, b) <= 1)


@given(st.text(max_size=10), st.text(max_size=10))
def test_edit_distance_is_symmetric_and_zero_only_for_equal(a: str, b: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("indialantic", "indiatlantic") == 1
    assert edit_distance("ab", "ba") == 1
    assert edit_distance("lakeland", "oakland") == 2


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_clean_of_ascii_text_is_the_general_cleaning(text: str) -> None:
    """The ASCII shortcut of `clean` (split and join) gives what NFKC and the whitespace rule give."""
    general = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip() or None
    assert clean(text) == general
