"""Filters: matching many changes read once into facts agrees, change by change, with the rule as written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wso.watch.filters import CHANGES, MODELS, Facts, Filter, county_key

STATES = st.sampled_from(["TX", "FL", "PA"])
COUNTIES = st.sampled_from(["Harris", "Harris County", "HARRIS county", "Dade", "St. Lucie", "County", None])
AGENCIES = st.sampled_from(["a1", "a2", "a3"])
CHANGE = st.fixed_dictionaries(
    {
        "state": STATES,
        "county": COUNTIES,
        "agency_id": AGENCIES,
        "model": st.sampled_from(MODELS),
        "change": st.sampled_from(CHANGES),
    }
)
FILTERS = st.builds(
    Filter,
    st.none() | STATES,
    COUNTIES,
    st.none() | AGENCIES,
    st.none() | st.sampled_from(MODELS),
    st.none() | st.sampled_from(CHANGES),
)


def wanted(f: Filter, change: dict[str, str | None]) -> bool:
    """The rule as the reference states it: every field the filter sets equals the change's, counties compared by
    their key."""
    return (
        (f.state is None or f.state == change["state"])
        and (f.county is None or county_key(f.county) == county_key(change["county"]))
        and (f.agency_id is None or f.agency_id == change["agency_id"])
        and (f.model is None or f.model == change["model"])
        and (f.change is None or f.change == change["change"])
    )


@given(FILTERS, st.lists(CHANGE, max_size=12))
def test_select_keeps_exactly_the_matching_changes_in_order(f: Filter, changes: list[dict[str, str | None]]) -> None:
    facts = [(n, Facts.of(**change)) for n, change in enumerate(changes)]  # type: ignore[arg-type]
    assert f.select(facts) == [n for n, change in enumerate(changes) if wanted(f, change)]
    assert [f.matches(**change) for change in changes] == [wanted(f, c) for c in changes]  # type: ignore[arg-type]


def test_an_empty_filter_matches_every_change_and_counties_compare_by_key() -> None:
    harris = Facts.of(state="TX", county="Harris County", agency_id="a1", model="WSO", change="signed")
    assert Filter().select([("x", harris)]) == ["x"]
    assert Filter(state="TX", county="HARRIS").select([("x", harris)]) == ["x"]
    assert Filter(state="TX", county="Dallas").select([("x", harris)]) == []
