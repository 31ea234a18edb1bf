"""What an MOA says about itself, read from its text: the agency's state and the signing dates."""

from __future__ import annotations

from datetime import date

from tests.moa.conftest import BORN_DIGITAL, read
from wso.moa import fields
from wso.moa.analysis import understand

PARTIES = (
    "This Memorandum of Agreement (MOA) constitutes an agreement between United States Immigration and Customs "
    "Enforcement (ICE), a component of the Department of Homeland Security (DHS), and the {name} ({abbr}), "
    "pursuant to which ICE delegates to nominated, trained, certified, and authorized {abbr} personnel"
)


def parties(name: str, abbr: str) -> list[str]:
    return ["MEMORANDUM OF AGREEMENT\nI. PARTIES\n" + PARTIES.format(name=name, abbr=abbr)]


def test_a_state_agency_is_that_states() -> None:
    name, _, state = fields.agency(parties("Texas Office of Attorney General", "OAG"))
    assert (name.value, state.value) == ("Texas Office of Attorney General", "TX")


def test_a_county_named_after_a_state_is_not_that_states_agency() -> None:
    # Washington County, Utah's TFM MOA (WashingtonCoSheriffsOfficeUT_TFM_MOA_03.20.2025.pdf in the archive) was
    # put in Washington State; the state comes from elsewhere (here ICE's file name).
    for county in ("Washington County Sheriffs Office", "Nevada County Sheriff's Office", "Texas Co. Sheriff"):
        name, _, state = fields.agency(parties(county, "WCSO"))
        assert name.value == county and state.value is None, county
    assert fields.state_from_file_name("WashingtonCoSheriffsOfficeUT_TFM_MOA_03.20.2025.pdf").value == "UT"


def test_a_written_out_date_after_a_blanks_underscore_is_read() -> None:
    # Washington County, UT's signature page as OCR read it: ICE signed on March 21, after the sheriff
    page = "By signing this MOA, each party represents it is fully authorized.\nDate: 03/05/25 Date:_March 21, 2025 _"
    signing = fields.signing([page], [])
    assert [d.value for d in signing.dates] == ["2025-03-21"]
    assert signing.signed.value == date(2025, 3, 21).isoformat()


def test_a_state_not_read_says_why_without_an_empty_reason() -> None:
    # Hardee County's PARTIES clause names the agency but no state, and its file name carries no state code:
    # the reason read "state: ; the text names no state and ..."
    understood = understand(read(BORN_DIGITAL))
    assert understood.state.value is None
    (reason,) = [m for m in understood.missing if m.startswith("state:")]
    assert reason == f"state: the text names no state and {BORN_DIGITAL.name} carries no state code"
