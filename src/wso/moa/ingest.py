"""`wso moa ingest`: store each PDF by sha256 with its pages as read and what was understood from it.

A file already stored with the same reading and analysis versions costs only its hash. When only the analysis
changed, the stored pages are understood again; when the reading changed, OCR already done for the same
content and engine is reused. A file that cannot be read is refused with its name and reason; the others
proceed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.moa.analysis import NOT_CLAUSES, Understanding, understand
from wso.moa.compare import ClauseDiff, rule_ties
from wso.moa.match import AgencyMatch, Matcher
from wso.moa.models import MoaClause, MoaDocument, MoaFile, MoaFileName, MoaPage, MoaRuleCheck
from wso.moa.ocr import OcrText, Recognizer, tesseract_engine
from wso.moa.pdf import PdfRefused
from wso.moa.quality import LayerQuality
from wso.moa.reading import (
    Layers,
    OcrWorkers,
    ReadDocument,
    ReadPage,
    combine,
    layers,
    ocr_pages,
    ocr_tasks,
    sha256_of,
)
from wso.store import Database

READER_VERSION = "1"  # bump when page reading (quality thresholds, OCR resolution) changes
ANALYSIS_VERSION = "3"  # bump when fields, clauses or comparison change
BATCH = 24  # files read, OCR'd and stored together


def analysis_version() -> str:
    """The analysis version and a digest of the packaged templates and rule ties it compares against."""
    digest = hashlib.sha256()
    for name in ("data/templates.json", "data/clause-rules.yaml"):
        resource = files("wso.moa").joinpath(name)
        if resource.is_file():
            digest.update(resource.read_bytes())
    return f"{ANALYSIS_VERSION}:{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str


@dataclass
class IngestReport:
    read: list[str] = field(default_factory=list)  # newly read (or read again)
    cached: list[str] = field(default_factory=list)  # already stored as they are
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in given folders that do not end in .pdf
    pages: Counter[str] = field(default_factory=Counter)  # pages newly read, by method
    ocr_reused: int = 0  # pages whose OCR came from the cache


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Refusal], list[str]]:
    """The PDFs named or inside the named folders (recursively), in order; missing paths refused, other files
    in folders listed as skipped."""
    found: list[Path] = []
    refused: list[Refusal] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for item in sorted(p for p in path.rglob("*") if p.is_file()):
                (found.append(item) if item.suffix.lower() == ".pdf" else skipped.append(str(item)))
        elif path.is_file():
            found.append(path)
        else:
            refused.append(Refusal(str(path), "no such file or folder"))
    return found, refused, skipped


def ingest(
    database: Database,
    paths: Sequence[Path],
    clock: Clock,
    *,
    recognizer: Recognizer | None = None,
    workers: int = 1,
) -> IngestReport:
    """Read and store every PDF in `paths`, a batch of files at a time (what is read is stored as it goes); see
    the module's docstring. The OCR processes start when a batch first needs them and serve every batch after."""
    files_found, refused, skipped = collect(paths)
    report = IngestReport(refused=refused, skipped=skipped)
    version = analysis_version()
    with OcrWorkers(workers, recognizer) as pool:
        for start in range(0, len(files_found), BATCH):
            _ingest_batch(database, files_found[start : start + BATCH], clock, recognizer, pool, version, report)
    return report


def _ingest_batch(
    database: Database,
    files_found: list[Path],
    clock: Clock,
    recognizer: Recognizer | None,
    pool: OcrWorkers,
    version: str,
    report: IngestReport,
) -> None:
    engine = recognizer.engine if recognizer is not None else None
    fresh: list[tuple[Path, Layers]] = []
    again: list[tuple[Path, ReadDocument]] = []
    with database.session() as session:
        for path in files_found:
            data = path.read_bytes()
            digest = sha256_of(data)
            stored = session.scalar(select(MoaDocument).where(MoaDocument.sha256 == digest))
            if stored is not None and stored.reader_version == READER_VERSION:
                _remember_name(session, digest, path, clock)
                if stored.analysis_version == version:
                    report.cached.append(str(path))
                else:
                    again.append((path, _stored_document(session, stored)))
                continue
            try:
                fresh.append((path, layers(data, path.name)))
            except PdfRefused as exc:
                report.refused.append(Refusal(str(path), exc.reason))
    unique: dict[str, tuple[Path, Layers]] = {}
    for path, item in fresh:
        unique.setdefault(item.sha256, (path, item))
    with database.session() as session:
        engine = engine or (tesseract_engine() if any(i.wanted for _p, i in unique.values()) else "")
        cache = _ocr_cache(session, [i.sha256 for _p, i in unique.values()], engine)
    tasks = ocr_tasks((i for _p, i in unique.values()), lambda sha, page: cache.get((sha, page)))
    done = ocr_pages(tasks, pool=pool)
    report.ocr_reused += sum(1 for _p, i in unique.values() for n in i.wanted if (i.sha256, n) in cache)
    done.update(cache)
    for path, item in fresh:
        if unique[item.sha256][0] is not path:  # the same content under a second name in this run
            with database.session() as session:
                _remember_name(session, item.sha256, path, clock)
            report.cached.append(str(path))
            continue
        document = combine(item, {n: t for (sha, n), t in done.items() if sha == item.sha256})
        report.pages.update(p.method for p in document.pages)
        again.append((path, document))
        with database.session() as session:
            if session.get(MoaFile, item.sha256) is None:
                session.add(MoaFile(sha256=item.sha256, content=item.data))
                session.flush()
            _remember_name(session, item.sha256, path, clock)
            _store_pages(session, document, {n: t for (sha, n), t in done.items() if sha == item.sha256}, engine)
    for path, document in again:
        understood = understand(document)
        with database.session() as session:
            matcher = Matcher(session)
            names = [r.name for r in session.scalars(select(MoaFileName).where(MoaFileName.sha256 == document.sha256))]
            found = matcher.match(
                names or [path.name], understood.agency.value, understood.state.value, understood.model.value
            )
            _store_understanding(session, document, understood, found, version, clock)
        report.read.append(str(path))


def _remember_name(session: Session, digest: str, path: Path, clock: Clock) -> None:
    if session.get(MoaFileName, (digest, path.name)) is None:
        session.add(MoaFileName(sha256=digest, name=path.name, path=str(path), first_seen=clock.now()))


def _ocr_cache(session: Session, digests: list[str], engine: str) -> dict[tuple[str, int], OcrText]:
    """OCR already done for these contents by this engine (kept in their stored pages)."""
    if not digests or not engine:
        return {}
    rows = session.execute(
        select(MoaPage.sha256, MoaPage.number, MoaPage.ocr_text, MoaPage.ocr_confidence).where(
            MoaPage.sha256.in_(digests), MoaPage.ocr_engine == engine, MoaPage.ocr_text.is_not(None)
        )
    )
    return {(sha, number): OcrText(text or "", confidence or 0.0) for sha, number, text, confidence in rows}


def _store_pages(session: Session, document: ReadDocument, ocr: dict[int, OcrText], engine: str) -> None:
    session.execute(delete(MoaPage).where(MoaPage.sha256 == document.sha256))
    for page, layer_text in zip(document.pages, document.layer_texts, strict=True):
        done = ocr.get(page.number)
        session.add(
            MoaPage(
                sha256=document.sha256,
                number=page.number,
                scanned=page.scanned,
                method=page.method,
                text=page.text,
                layer_text=layer_text,
                layer_verdict=page.layer.verdict,
                layer_chars=page.layer.chars,
                dictionary_share=page.layer.dictionary_share,
                run_together_share=page.layer.run_together_share,
                control_share=page.layer.control_share,
                ocr_text=done.text if done else None,
                ocr_confidence=done.confidence if done else None,
                ocr_engine=engine if done else None,
            )
        )


def _stored_document(session: Session, stored: MoaDocument) -> ReadDocument:
    rows = list(session.scalars(select(MoaPage).where(MoaPage.sha256 == stored.sha256).order_by(MoaPage.number)))
    pages = tuple(
        ReadPage(
            number=r.number,
            scanned=r.scanned,
            layer=LayerQuality(
                r.layer_chars,
                r.dictionary_share,
                r.run_together_share,
                r.control_share,
                "good" if r.layer_verdict == "good" else "garbled" if r.layer_verdict == "garbled" else "none",
            ),
            method="ocr" if r.method == "ocr" else "text-layer",
            text=r.text,
            ocr_confidence=r.ocr_confidence,
        )
        for r in rows
    )
    return ReadDocument(
        name=stored.name,
        sha256=stored.sha256,
        size=stored.size,
        encrypted=stored.encrypted,
        producer=stored.producer,
        creator="",
        pages=pages,
        layer_texts=tuple(r.layer_text for r in rows),
    )


def _store_understanding(
    session: Session,
    document: ReadDocument,
    understood: Understanding,
    found: AgencyMatch | None,
    version: str,
    clock: Clock,
) -> None:
    digest = document.sha256
    for table in (MoaClause, MoaRuleCheck):
        session.execute(delete(table).where(table.sha256 == digest))
    stored = session.scalar(select(MoaDocument).where(MoaDocument.sha256 == digest))
    if stored is None:
        stored = MoaDocument(sha256=digest)
        session.add(stored)
    comparison = understood.comparison
    ties: dict[str, list[str]] = {}
    for tie in rule_ties():
        ties.setdefault(tie.clause, []).append(tie.rule)
    state = understood.state.value or (found.state if found else None)
    fields = {
        "model": asdict(understood.model),
        "agency": asdict(understood.agency),
        "abbreviation": asdict(understood.abbreviation),
        "state": asdict(understood.state)
        if understood.state.value or not found
        else {
            "value": found.state,
            "source": "registry",
            "page": None,
            "line": None,
            "confidence": found.confidence,
            "note": f"the registry's agency {found.agency_id} ({found.how})",
        },
        "signed": asdict(understood.signed),
        "signing_dates": [asdict(f) for f in understood.signing_dates],
        "signatories": [asdict(f) for f in understood.signatories],
        "template": asdict(understood.template),
        "addendum": asdict(understood.addendum),
        "registry": asdict(found) if found else None,
        "missing": list(understood.missing)
        if not (found and understood.state.value is None)
        else [m for m in understood.missing if not m.startswith("state:")],
    }
    stored.name = document.name
    stored.size = document.size
    stored.pages = len(document.pages)
    stored.chars = sum(len(p.text) for p in document.pages)
    stored.encrypted = document.encrypted
    stored.born_digital = document.born_digital
    stored.how_read = document.how_read
    stored.producer = document.producer[:300]
    stored.model = understood.model.value
    stored.agency = understood.agency.value[:300] if understood.agency.value else None
    stored.state = state
    stored.signed = date.fromisoformat(understood.signed.value) if understood.signed.value else None
    stored.template = understood.template.value
    stored.addendum_page = understood.addendum.page
    stored.registry_agency_id = found.agency_id if found else None
    stored.ice_url = found.ice_url if found else None
    stored.deviations = len(comparison.deviations) if comparison else 0
    stored.flagged_rules = ",".join(r.rule for r in comparison.flagged_rules) if comparison else ""
    stored.fields_json = json.dumps(fields, ensure_ascii=False)
    stored.reader_version = READER_VERSION
    stored.analysis_version = version
    stored.ingested_at = clock.now()
    texts = {c.id: c.text for c in understood.clauses}
    parts = list(comparison.clauses) if comparison is not None else []
    parts += [
        ClauseDiff(c.id, c.title, "not-compared", None, None, c.page, c.line)
        for c in understood.clauses
        if comparison is None or c.id in NOT_CLAUSES
    ]
    wso = understood.model.value == "WSO"
    for seq, part in enumerate(parts, start=1):
        session.add(
            MoaClause(
                sha256=digest,
                seq=seq,
                clause=part.id,
                title=part.title[:200],
                page=part.page,
                line=part.line,
                text=texts.get(part.id, ""),
                status=part.status,
                similarity=part.similarity,
                substantive=part.substantive,
                changes_json=json.dumps([asdict(c) for c in part.changes], ensure_ascii=False),
                rules=",".join(ties.get(part.id, [])) if wso and part.status != "not-compared" else "",
            )
        )
    for check in comparison.rules if comparison is not None else ():
        session.add(
            MoaRuleCheck(
                sha256=digest,
                rule=check.rule,
                clause=check.clause,
                phrase=check.phrase,
                found=check.found,
                ok=check.ok,
                page=check.page,
            )
        )
