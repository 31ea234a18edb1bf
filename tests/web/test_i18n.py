from __future__ import annotations

import pytest

from wso.web.i18n import LANGS, MESSAGES, pick_language, translator


def test_every_message_exists_in_every_language() -> None:
    missing = [(key, lang) for key, texts in MESSAGES.items() for lang in LANGS if not texts.get(lang)]
    assert missing == []


def test_placeholders_agree_between_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert [k for k, v in MESSAGES.items() if fields(v["en"]) != fields(v["es"])] == []


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("es", None, "es"),
        ("en", "es-MX,es;q=0.9", "en"),
        (None, "es-MX,es;q=0.9,en;q=0.8", "es"),
        (None, "fr-FR,fr;q=0.9,en;q=0.5,es;q=0.4", "en"),
        (None, "de", "en"),
        (None, None, "en"),
        ("xx", "es", "es"),
        (None, "es;q=0,en;q=0.1", "en"),
    ],
)
def test_language_choice(query: str | None, header: str | None, expected: str) -> None:
    assert pick_language(query, header) == expected


def test_translator_fills_values() -> None:
    assert translator("es")("overview.as_of", day="2025-06-01") == "Según la lista de ICE del 2025-06-01"
    with pytest.raises(KeyError):
        translator("en")("no.such.key")


def test_every_packaged_law_has_its_spanish_words() -> None:
    from wso.program import state_laws
    from wso.web.i18n_es import law_words, spanish_laws
    from wso.web.public import law_out

    laws = state_laws()
    assert set(spanish_laws()) == {law.id for law in laws}
    for law in laws:
        words = law_words(law_out(law), "es")
        assert words.applies_to and words.note and words.instrument and words.requirement, law.id
        assert words.note != law.note and words.applies_to != law.applies_to, law.id
        for day in (law.effective, law.comply_by):  # the dates the English requirement gives are in the Spanish
            if day is not None and str(day) in law.requirement():
                assert str(day) in words.requirement, law.id


def test_how_a_moa_was_read_and_a_clauses_status_in_spanish() -> None:
    from wso.web.moaout import CLAUSE_STATUS, moa_word

    assert moa_word("text layer, OCR on 2 of 9 pages", "es") == "capa de texto, OCR en 2 de 9 páginas"
    assert moa_word("text layer", "es") == "capa de texto" and moa_word("OCR", "en") == "OCR"
    assert moa_word("filled-in", "en") == "filled in" and moa_word("missing", "es") == "falta"
    assert set(CLAUSE_STATUS) == {"same", "ocr-noise", "filled-in", "changed", "missing", "added", "not-compared"}
