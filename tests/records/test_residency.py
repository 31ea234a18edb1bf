"""Telling a requester's state from an address, and warning where a law serves only residents."""

from __future__ import annotations

import pytest

from wso.records import facts_for, residency_warning, state_of_address


@pytest.mark.parametrize(
    ("address", "state"),
    [
        ("500 W Jefferson St, Louisville, KY 40202", "KY"),
        ("500 W Jefferson St\nLouisville, KY 40202-1234", "KY"),
        ("500 W Jefferson St, Louisville, ky 40202", "KY"),
        ("1 Main St, Tampa, FL", "FL"),
        ("1 Main St, Tampa, Florida 33602", "FL"),
        ("1 Main St, Tampa, florida", "FL"),
        ("10 Capitol St, Charleston, West Virginia 25301", "WV"),
        ("10 Capitol St, Richmond, Virginia", "VA"),
        ("1 Main St, Tampa, FL 33602, USA", "FL"),
        ("1 Main St, Tampa, FL 33602, United States", "FL"),
        ("1600 Pennsylvania Ave NW, Washington, DC 20500", "DC"),
        ("1600 Pennsylvania Ave NW, Washington, District of Columbia", "DC"),
    ],
)
def test_the_state_is_read_from_the_end_of_the_address(address: str, state: str) -> None:
    assert state_of_address(address) == state


@pytest.mark.parametrize(
    "address",
    [
        None,
        "",
        "Calle 5, Ciudad de México, México",
        "P.O. Box 12",
        "Rue de Rivoli, Paris",
        "12 Oak Lane, Springfield, in",
    ],
)
def test_an_address_whose_state_cannot_be_told_gives_none(address: str | None) -> None:
    assert state_of_address(address) is None


def test_a_resident_gets_no_warning() -> None:
    assert residency_warning(facts_for("KY"), "500 W Jefferson St, Louisville, KY 40202") is None


def test_a_law_open_to_anyone_gives_no_warning() -> None:
    assert residency_warning(facts_for("TX"), "1 Main St, Tampa, FL 33602") is None


def test_a_requester_elsewhere_is_warned_in_their_language() -> None:
    warning = residency_warning(facts_for("VA"), "1 Main St, Tampa, FL 33602")
    assert warning is not None
    assert (warning.kind, warning.requester_state) == ("elsewhere", "FL")
    assert "Virginia residents" in warning.message and "Florida" in warning.message
    spanish = residency_warning(facts_for("VA"), "1 Main St, Tampa, FL 33602", "es")
    assert spanish is not None and "residentes de Virginia" in spanish.message


def test_an_unknown_address_under_a_residents_only_law_is_warned_too() -> None:
    warning = residency_warning(facts_for("TN"), None)
    assert warning is not None and warning.kind == "unknown"
    assert "could not be told" in warning.message
