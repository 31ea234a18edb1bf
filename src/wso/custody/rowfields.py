"""The fields the read side's rows share (a hold's view, the desk's rows), each typed and described once: the
console's API shows these rows as they are, so its OpenAPI schema reads these descriptions."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

ROW = ConfigDict(frozen=True)
"""A read-side row is a value: frozen, compared field by field."""

FacilityId = Annotated[str, Field(description="The facility's id (what the ledger's commands take).")]
AgencyId = Annotated[str, Field(description="The id of the agency that runs the facility (commands take it).")]
BookingId = Annotated[str, Field(description="The booking's number.")]
StateCode = Annotated[str, Field(description="The agency's state, its USPS code.")]
Zone = Annotated[
    str, Field(description="The facility's IANA time zone: the console shows the row's times in it, abbreviated.")
]
FacilityName = Annotated[str, Field(description="The facility's name, as a desk reads it (empty if none is known).")]
AgencyName = Annotated[str, Field(description="The agency's name, as a desk reads it (empty if none is known).")]
