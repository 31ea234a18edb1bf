"""Benchmark of wso.moa: pages per second by text layer and by OCR, OCR's character accuracy against good text
layers, the first and the second (cached) ingest of a whole folder, a search's time; then every MOA's fields,
or why one could not be read, with the counts.

    nice .venv/bin/python benchmarks/moa_ingest.py ../shared/data/moa-archive ../shared/data/moa [--workers 2]
        [--dpis 150,200,300] [--sample 12] [--database sqlite:///tmp/moa-bench.sqlite3] [--report report.tsv]
        [--copy-from sqlite:///tmp/moa-bench.sqlite3] [--searches 50]

Times are wall-clock on this machine (shared: the load average is printed) and CPU time (user + system) of this
process and of the OCR processes. The first ingest's OCR rate is the OCR processes' CPU time over every page the
archive needs OCR for (rendering and Tesseract). `--copy-from` fills a fresh database (e.g. PostgreSQL) with the
MOAs another database already read, so that re-ingest and search are measured there without OCR'ing again.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from sqlalchemy import Table
from sqlalchemy.orm import Session

from wso.clock import SystemClock
from wso.moa import ingest, list_documents, search, show
from wso.moa.ingest import IngestReport, collect
from wso.moa.models import MoaClause, MoaDocument, MoaFile, MoaFileName, MoaPage, MoaRuleCheck
from wso.moa.ocr import OCR_DPI, Tesseract
from wso.moa.pdf import opened, render_page
from wso.moa.reading import default_workers, layers
from wso.registry.bundled import load_bundled_if_empty
from wso.store import Database, open_database

SEARCHES = ("reimbursable fee", '"scheduled release"', "interpreter", "48 hours excluding weekends", "Giglio")


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def accuracy(ocr: str, truth: str) -> float:
    """Character agreement of OCR with a good text layer: difflib's ratio of the whitespace-folded texts."""
    return SequenceMatcher(None, flat(ocr), flat(truth), autojunk=False).ratio()


def text_layers(files: list[Path]) -> tuple[list, float, int]:  # type: ignore[type-arg]
    started = time.perf_counter()
    read = []
    for path in files:
        try:
            read.append(layers(path.read_bytes(), path.name))
        except Exception as exc:  # refused files are counted by the ingest below
            print(f"  (layer) {path.name}: {exc}")
    seconds = time.perf_counter() - started
    return read, seconds, sum(len(item.pdf.pages) for item in read)


def ocr_sample(items: list, dpis: list[int], sample: int) -> None:  # type: ignore[type-arg]
    """OCR, in this process (one core), pages whose text layer is good, at each resolution: born-digital pages
    (rendered from their fonts) and scanned pages (the scan's own layer, itself OCR'd by the scanner's software,
    is the reference: its slips count against Tesseract too)."""
    kinds: dict[str, list] = {"born-digital": [], "scanned": []}  # type: ignore[type-arg]
    for item in items:
        good = [p for p, q in zip(item.pdf.pages, item.qualities, strict=True) if q.verdict == "good"]
        kind = "scanned" if all(p.scanned for p in good) else "born-digital"
        if len(good) >= 8 and len(kinds[kind]) < sample:
            kinds[kind] += [(item, page) for page in good[1:3] if page.scanned == (kind == "scanned")]
    reader = Tesseract()
    for dpi in dpis:
        for kind, chosen in kinds.items():
            cpu_times, walls, scores, confidences = [], [], [], []
            for item, page in chosen[:sample]:
                with opened(item.data, item.name) as document:
                    image = render_page(document, page.number, dpi)
                cpu, wall = time.process_time(), time.perf_counter()
                result = reader.read(image)
                cpu_times.append(time.process_time() - cpu)
                walls.append(time.perf_counter() - wall)
                scores.append(accuracy(result.text, page.text))
                confidences.append(result.confidence)
            print(
                f"  OCR at {dpi} dpi, {len(cpu_times)} {kind} pages with a good layer, 1 process: "
                f"{1 / statistics.mean(cpu_times):.2f} pages per CPU-second ({statistics.mean(cpu_times):.2f} s CPU, "
                f"{statistics.mean(walls):.2f} s wall a page); character agreement with the layer "
                f"{statistics.mean(scores):.2%} (min {min(scores):.2%}); Tesseract's confidence "
                f"{statistics.mean(confidences):.0f}"
            )


def copy_moas(source_url: str, database: Database) -> int:
    """Every row of the MOA tables of another database, copied as they are (a fresh target: no row there yet)."""
    source = open_database(source_url)
    copied = 0
    with source.session() as read, database.session() as write:
        for model in (MoaFile, MoaFileName, MoaDocument, MoaPage, MoaClause, MoaRuleCheck):
            table = model.__table__
            assert isinstance(table, Table)
            rows = [dict(row._mapping) for row in read.execute(table.select())]
            if rows:
                write.execute(table.insert(), rows)
            copied += len(rows)
    source.dispose()
    return copied


def first_ingest(database: Database, args: argparse.Namespace) -> IngestReport:
    """The first ingest, with its OCR rate: the OCR processes' CPU time (rendering and Tesseract) per page."""
    began, own, children = time.perf_counter(), cpu(), cpu(resource.RUSAGE_CHILDREN)
    first = ingest(database, args.folders, SystemClock(), workers=args.workers)
    wall = time.perf_counter() - began
    own, children = cpu() - own, cpu(resource.RUSAGE_CHILDREN) - children
    ocr_pages = first.pages.get("ocr", 0)
    print(
        f"first ingest: {len(first.read)} read, {len(first.cached)} already stored, {len(first.refused)} refused; "
        f"pages {dict(first.pages)}; {wall:.0f} s wall with {args.workers} OCR processes "
        f"({ocr_pages / wall:.2f} OCR pages/s overall); {load()}"
    )
    if ocr_pages and children:
        print(
            f"  OCR processes: {children:.0f} s CPU for {ocr_pages} pages = {ocr_pages / children:.2f} pages per "
            f"CPU-second ({children / ocr_pages:.2f} s a page, rendering at {OCR_DPI} dpi included); this process "
            f"{own:.0f} s CPU (text layers, fields, clauses, storing)"
        )
    return first


def time_searches(session: Session, runs: int) -> None:
    """Each search once to warm, then `runs` times: median and 95th percentile of the wall time, median CPU."""
    everything, cpus = [], []
    for query in SEARCHES:
        search(session, query)
        times = []
        for _ in range(runs):
            began, cpu_began = time.perf_counter(), time.process_time()
            hits = search(session, query)
            times.append(time.perf_counter() - began)
            cpus.append(time.process_time() - cpu_began)
        everything += times
        print(
            f"search {query!r}: {len(hits)} pages, median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {percentile(times, 95) * 1000:.1f} ms"
        )
    print(
        f"all searches: median {statistics.median(everything) * 1000:.1f} ms, "
        f"p95 {percentile(everything, 95) * 1000:.1f} ms over {len(everything)} runs (this process's CPU: median "
        f"{statistics.median(cpus) * 1000:.1f} ms a search; a server's own time is not in it); {load()}"
    )


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--dpis", default=str(OCR_DPI), help="resolutions for the OCR sample, comma-separated")
    parser.add_argument("--sample", type=int, default=12, help="born-digital pages OCR'd for speed and accuracy")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--report", type=Path, help="write every MOA's fields as TSV here")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--copy-from", help="SQLAlchemy URL of a database whose MOAs are copied in first")
    parser.add_argument("--searches", type=int, default=50, help="timed runs of each search")
    args = parser.parse_args()
    files, refused, _skipped = collect(args.folders)
    print(f"{len(files)} PDFs in {', '.join(map(str, args.folders))}; {os.cpu_count()} cores; {load()}")

    items, seconds, pages = text_layers(files)
    print(f"text layers: {pages} pages in {seconds:.1f} s = {pages / seconds:.0f} pages/s (judged, one process)")
    if not args.skip_sample:
        ocr_sample(items, [int(d) for d in args.dpis.split(",")], args.sample)
    del items

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'moa-bench.sqlite3'}"
    database = open_database(url)
    with database.session() as session:
        load_bundled_if_empty(session, clock=SystemClock())
    if args.copy_from:
        copied = copy_moas(args.copy_from, database)
        print(f"copied from {args.copy_from}: {copied} rows (no OCR in this run)")
    first = first_ingest(database, args)
    for run in ("second", "third"):
        began, cpu_began = time.perf_counter(), cpu()
        again = ingest(database, args.folders, SystemClock(), workers=args.workers)
        took = time.perf_counter() - began
        print(
            f"{run} ingest: {len(again.cached)} already stored, {len(again.read)} read, in {took:.2f} s wall, "
            f"{cpu() - cpu_began:.2f} s CPU; {load()}"
        )
    with database.session() as session:
        time_searches(session, args.searches)

    with database.session() as session:
        documents = list_documents(session)
        report_lines = ["file\tmodel\tagency\tstate\tsigned\ttemplate\thow_read\tregistry\tnot read"]
        missing: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        complete = 0
        for d in documents:
            detail = show(session, str(d.id))
            for reason in detail.missing:
                missing[reason.split(":")[0]] += 1
            for name in ("model", "agency", "state", "signed", "template"):
                sources[f"{name}:{(detail.fields.get(name) or {}).get('source')}"] += 1
            complete += not detail.missing
            report_lines.append(
                "\t".join(
                    str(x)
                    for x in (
                        d.file,
                        d.model,
                        d.agency,
                        d.state,
                        d.signed,
                        d.template,
                        d.how_read,
                        d.registry_agency_id,
                        "; ".join(detail.missing),
                    )
                )
            )
    print(f"documents: {len(documents)}; all five fields read: {complete}; not read, by field: {dict(missing)}")
    print(f"where the fields came from: {dict(sorted(sources.items()))}")
    matched = sum(1 for d in documents if d.registry_agency_id)
    print(f"matched to the registry's agency: {matched} of {len(documents)}")
    print(f"templates: {dict(Counter(d.template for d in documents))}")
    kinds = Counter("OCR" if d.how_read == "OCR" else "mixed" if "OCR" in d.how_read else "layer" for d in documents)
    print(f"how read: {dict(kinds)}")
    for r in first.refused + refused:
        print(f"refused: {r.path}: {r.reason}")
    if args.report:
        args.report.write_text("\n".join(report_lines) + "\n", encoding="utf-8")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
