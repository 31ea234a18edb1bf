"""The text-layer verdict on real pages of each kind, and its signals' bounds on any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.moa.conftest import BORN_DIGITAL, GARBLED_LAYER, GOOD_LAYER, IMAGE_ONLY
from wso.moa.pdf import read_pdf
from wso.moa.quality import judge


def page_text(path: object, number: int) -> str:
    from pathlib import Path

    assert isinstance(path, Path)
    return read_pdf(path.read_bytes(), path.name).pages[number - 1].text


def test_a_born_digital_page_is_good() -> None:
    quality = judge(page_text(BORN_DIGITAL, 1))
    assert quality.verdict == "good"
    assert quality.dictionary_share > 0.95 and quality.control_share == 0


def test_the_signature_block_with_letters_shifted_by_three_is_garbled() -> None:
    # Hardee County's page 7 reads "6LJQDWXUH" for "Signature" and runs of "B" for the blank lines
    text = page_text(BORN_DIGITAL, 7)
    assert "6LJQDWXUH" in text
    quality = judge(text)
    assert quality.verdict == "garbled"
    assert "run together" in quality.reason or "control" in quality.reason


def test_a_scans_usable_layer_is_good() -> None:
    assert judge(page_text(GOOD_LAYER, 2)).verdict == "good"


def test_a_layer_of_glyph_garbage_is_garbled_by_its_control_characters_and_non_words() -> None:
    quality = judge(page_text(GARBLED_LAYER, 2))
    assert quality.verdict == "garbled"
    assert quality.dictionary_share < 0.5 and quality.control_share > 0.05


def test_an_image_only_page_has_no_layer() -> None:
    assert judge(page_text(IMAGE_ONLY, 2)).verdict == "none"


def test_words_run_together_are_garbled() -> None:
    text = "Complaintsfiledagainstthosepersonnelinthecourseoftheirduties " * 40
    quality = judge(text)
    assert quality.verdict == "garbled" and quality.run_together_share > 0.9


@given(st.text(max_size=3000))
def test_signals_are_shares_whatever_the_text(text: str) -> None:
    quality = judge(text)
    for share in (quality.dictionary_share, quality.run_together_share, quality.control_share):
        assert 0.0 <= share <= 1.0
    assert quality.verdict in ("good", "garbled", "none")
