"""The console's audit of uploaded hold records: which uploaded files are the audit's tables (any case of name)
and which are ignored and why, the limits an upload is held to, and the audit itself on DuckDB.

The files are streamed into a private temporary folder for the audit only and deleted after it; what is kept
(for paging and downloads) is the result, in wso.web.auditstore."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import BaseModel

if TYPE_CHECKING:
    from wso.audit import AuditResult
    from wso.program.cost import CostReport

TABLES = ("holds", "officers", "agreements", "complaints")  # hold-record schema v2; complaints is optional
SUFFIXES = (".csv", ".parquet")
# A Parquet file's rows and its size once decompressed are in its footer, read before any row is: a small file
# that unpacks to millions of rows (an 825 KB file of one row repeated 12 million times) is refused unread.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
CHUNK = 1024 * 1024
ANSWER_KEY = "answer_key"


class UploadError(ValueError):
    """Uploaded records that cannot be audited; the message names the file and what is wrong (never a path of
    the server's)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name as sent and a binary stream of it (read in chunks, never whole)."""

    filename: str
    source: BinaryIO


class IgnoredOut(BaseModel):
    """An uploaded file the audit did not read, and why."""

    name: str
    reason: str


@dataclass
class AuditDone:
    """An audit of uploaded records: the findings, their summary, the files ignored, and what the holds cost
    (only when asked: the tally costs several times the audit)."""

    result: AuditResult
    summary: dict[str, Any]
    ignored: list[IgnoredOut]
    cost: CostReport | None = None
    tables: list[str] = field(default_factory=list)


def ignored_because(name: str) -> str | None:
    """Why an uploaded file is not one of the audit's tables (None: it is one). A table's name with a suffix the
    audit cannot read is an error, not ignored: the user meant it to be read."""
    path = Path(name.lower())  # HOLDS.CSV is holds.csv: a file's name is matched in any case
    if not name:
        return "a file without a name"
    if path.stem in TABLES:
        if path.suffix in SUFFIXES:
            return None
        raise UploadError(f"{name}: the {path.stem} table must be .csv or .parquet (hold-record schema)")
    if path.stem == ANSWER_KEY:
        return "the answer key of synthetic records (wso audit generate): the audit does not read it"
    if path.suffix in (".md", ".txt", ".rst", ".pdf", ".docx", ".html") or path.stem == "readme":
        return "a document, not a table of hold records"
    return f"not one of the audit's tables ({', '.join(TABLES)}; .csv or .parquet)"


def count_rows(path: Path, max_rows: int) -> int:
    """The data rows of a CSV (lines after the header: an upper bound when quoted fields span lines) or Parquet
    file (from its footer), without loading it. UploadError when the Parquet footer says it unpacks too large."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.read_metadata(path)
        except Exception:  # a file pyarrow cannot read: the audit's loader says what is wrong with it
            return 0
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise UploadError(
                f"{path.name}: unpacks to {unpacked:,} bytes; the console audits at most "
                f"{MAX_UNCOMPRESSED_BYTES:,} (use `wso audit` for larger records)"
            )
        return int(meta.num_rows)
    newlines = returns = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")  # a file whose lines end in a bare carriage return counts too
            last = chunk[-1:]
            if max(newlines, returns) > max_rows + 1:
                break
    unended = last not in (b"\n", b"\r")  # the last line has no line end of its own
    return max(max(newlines, returns) + unended - 1, 0)


def _store(upload: Upload, folder: Path, seen: set[str], max_rows: int | None) -> None:
    name = Path(upload.filename or "").name
    path = Path(name.lower())
    if path.stem in seen:
        raise UploadError(f"{name}: the {path.stem} table was uploaded twice")
    seen.add(path.stem)
    target = folder / (path.stem + path.suffix)
    with target.open("wb") as out:
        shutil.copyfileobj(upload.source, out, CHUNK)
    if max_rows is not None:
        rows = count_rows(target, max_rows)
        if rows > max_rows:
            counted = f"{rows:,}" if target.suffix == ".parquet" else f"more than {max_rows:,}"
            raise UploadError(
                f"{name}: {counted} rows; the console audits at most {max_rows:,} a table "
                "(WSO_CONSOLE_AUDIT_MAX_ROWS): audit larger records with `wso audit run`"
            )


def scrub_paths(message: str, folder: str) -> str:
    """`message` without the server's paths: the upload folder dropped, any other absolute path cut to its
    file name."""
    message = message.replace(folder + "/", "").replace(folder, "the uploaded files")
    return re.sub(r"(?<![\w.])/(?:[^\s'\"/:,;()]+/)+", "", message)


def _keep(files: Iterable[Upload], folder: Path, max_rows: int | None) -> tuple[set[str], list[IgnoredOut]]:
    """Store the audit's tables among `files` in `folder`; the others are listed with why, and not read."""
    seen: set[str] = set()
    ignored: list[IgnoredOut] = []
    for upload in files:
        name = Path(upload.filename or "").name
        reason = ignored_because(name)
        if reason is None:
            _store(upload, folder, seen, max_rows)
        else:
            ignored.append(IgnoredOut(name=name or "(no name)", reason=reason))
    if "holds" not in seen:
        skipped = "".join(f"; ignored {i.name}: {i.reason}" for i in ignored)
        raise UploadError(f"no holds file: upload holds.csv (or holds.parquet), with officers and agreements{skipped}")
    return seen, ignored


def audit_upload(
    files: Iterable[Upload], as_of: datetime, *, max_rows: int | None = None, with_cost: bool = False
) -> AuditDone:
    """Audit uploaded hold records (hold-record schema v2, or schema v1 files: holds, officers, agreements, and
    complaints if given, as .csv or .parquet) as of `as_of` on DuckDB; other files are ignored and listed. With
    `max_rows`, a table of more rows is refused before the audit reads it; with `with_cost`, what the holds cost is
    tallied too."""
    from wso import audit  # here: the audit engine (Ibis, DuckDB, pyarrow) is a second's import no page needs

    with tempfile.TemporaryDirectory(prefix="wso-web-audit-") as tmp:
        try:
            seen, ignored = _keep(files, Path(tmp), max_rows)
            try:
                records = audit.load_records(Path(tmp))
            except audit.RecordsError as error:
                raise UploadError(str(error)) from None
            try:
                result = audit.run_audit(records, as_of, "duckdb")
                summary = audit.summarize(result, audit.hold_counts(records))
                cost = audit.records_cost(records, as_of) if with_cost else None
            finally:
                records.con.close()
        except UploadError as error:
            raise UploadError(scrub_paths(str(error), tmp)) from None
    return AuditDone(result, summary, ignored, cost, tables=[t for t in TABLES if t in seen])
