"""The codes of the registry's issues (what could not be read cleanly), each with when it is recorded.

One set: ``wso registry issues --code`` refuses any other (a code that is none of these finds nothing because
it never exists, not because the data are clean), docs/registry.md lists exactly these, and a test fails when the
registry's readers record a code not declared here.
"""

from __future__ import annotations

ISSUE_CODES: dict[str, str] = {
    "state_corrected": "STATE is not a state as written but is one by rule",
    "state_unreadable": "STATE names no state",
    "agency_missing": "LAW ENFORCEMENT AGENCY is empty",
    "agency_unreadable": "LAW ENFORCEMENT AGENCY has no letters",
    "kind_unknown": "TYPE is not a spelling of County, Municipality or State",
    "model_missing": "SUPPORT TYPE is empty",
    "model_unknown": "SUPPORT TYPE names no model",
    "signed_repaired": "SIGNED is text with misplaced separators, read from its digits",
    "signed_unreadable": "SIGNED is no plausible date",
    "signed_missing": "SIGNED is empty in a participating row",
    "moa_link_missing": "the MOA cell says 'link' but holds no hyperlink",
    "addendum_link_missing": "the ADDENDUM cell says 'link' but holds no hyperlink",
    "column_unknown": "a header cell names no registry column",
    "column_missing": "a participating file without SIGNED",
    "blank_rows": "blank rows between the header and the last row (counted, skipped)",
    "kind_from_header": "the file name does not say participating or pending: read from the header",
    "published_from_capture": "the publication date is not in the name: the capture's date is used",
    "captured_from_mtime": "no capture time in the name, folder or a manifest: the file's modification time",
    "kind_from_content": "the name says one kind and the content the other",
    "published_corrected": "the publication date was corrected, by rule or by hand",
    "moa_from_archive": "MOA cells hold the Internet Archive's address of ICE's link",
    "same_bytes": "the same bytes met again under another name in one ingest",
    "manifest_mismatch": "a manifest lists other bytes under this file's name",
}
