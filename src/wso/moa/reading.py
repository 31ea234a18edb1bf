"""Read a PDF's pages: the text layer where it is good, OCR where the page has none or the layer is garbage.

Two steps, so that OCR can run for many files at once in several processes: `layers` reads every page's text
layer and judges it; `ocr_pages` reads the pages that need it; `combine` puts each page's chosen text together.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from wso.moa.ocr import OCR_DPI, OcrText, Recognizer, Tesseract
from wso.moa.pdf import PdfFile, opened, read_pdf, render_page
from wso.moa.quality import LayerQuality, judge

Method = Literal["text-layer", "ocr"]
OCR_CHUNK = 3  # pages per OCR task: small enough that two processes share a ten-page scan


@dataclass(frozen=True)
class ReadPage:
    number: int
    scanned: bool  # an image covers most of the page
    layer: LayerQuality
    method: Method
    text: str  # the chosen text: the layer's or OCR's
    ocr_confidence: float | None  # Tesseract's mean word confidence when OCR was used


@dataclass(frozen=True)
class ReadDocument:
    name: str
    sha256: str
    size: int
    encrypted: bool
    producer: str
    creator: str
    pages: tuple[ReadPage, ...]
    layer_texts: tuple[str, ...]  # every page's own text layer, as extracted (kept even when OCR replaced it)

    @property
    def born_digital(self) -> bool:
        """Made from a word processor, not scanned: at least 80% of its pages carry no page-sized image (a signed
        signature page scanned back in is allowed; Acrobat's Paper Capture on that page is too)."""
        digital = sum(1 for p in self.pages if not p.scanned)
        return digital >= 0.8 * len(self.pages)

    @property
    def how_read(self) -> str:
        ocr = sum(1 for p in self.pages if p.method == "ocr")
        if ocr == 0:
            return "text layer"
        if ocr == len(self.pages):
            return "OCR"
        return f"text layer, OCR on {ocr} of {len(self.pages)} pages"

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Layers:
    """A file's text layers, judged; `wanted` lists the pages to OCR."""

    name: str
    data: bytes
    sha256: str
    pdf: PdfFile
    qualities: tuple[LayerQuality, ...]

    @property
    def wanted(self) -> tuple[int, ...]:
        return tuple(p.number for p, q in zip(self.pdf.pages, self.qualities, strict=True) if q.verdict != "good")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def layers(data: bytes, name: str) -> Layers:
    """Step one: every page's text layer and its verdict; `PdfRefused` when the file cannot be read."""
    pdf = read_pdf(data, name)
    return Layers(name, data, sha256_of(data), pdf, tuple(judge(p.text) for p in pdf.pages))


@dataclass(frozen=True)
class OcrTask:
    name: str
    data: bytes
    pages: tuple[int, ...]


_WORKER: Recognizer | None = None


def _start_worker() -> None:
    global _WORKER
    _WORKER = Tesseract()


def _ocr_task(task: OcrTask, recognizer: Recognizer | None = None, dpi: int = OCR_DPI) -> list[OcrText]:
    reader = recognizer or _WORKER
    assert reader is not None, "OCR worker not started"
    results = []
    with opened(task.data, task.name) as document:
        for number in task.pages:
            results.append(reader.read(render_page(document, number, dpi)))
    return results


def ocr_tasks(wanted: Iterable[Layers], cached: Callable[[str, int], OcrText | None]) -> list[OcrTask]:
    """The pages still to OCR (those `cached` does not know), cut into tasks of a few pages."""
    tasks = []
    for item in wanted:
        todo = [n for n in item.wanted if cached(item.sha256, n) is None]
        for start in range(0, len(todo), OCR_CHUNK):
            tasks.append(OcrTask(item.name, item.data, tuple(todo[start : start + OCR_CHUNK])))
    return tasks


class OcrWorkers:
    """Where pages are OCR'd: `workers` processes each with its own Tesseract, or this process when there is one
    worker or a recognizer is given. Started on first use and kept until closed, so that one ingest starts its
    processes and their Tesseracts once, not once per batch of files."""

    def __init__(self, workers: int = 1, recognizer: Recognizer | None = None) -> None:
        self._workers = workers
        self._recognizer = recognizer
        self._pool: ProcessPoolExecutor | None = None

    def run(self, tasks: list[OcrTask]) -> list[list[OcrText]]:
        """Every task's pages read, in the tasks' order."""
        if not tasks:
            return []
        if self._recognizer is None and self._workers > 1:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self._workers, initializer=_start_worker)
            return list(self._pool.map(_ocr_task, tasks))
        if self._recognizer is None:
            self._recognizer = Tesseract()
        reader = self._recognizer
        return [_ocr_task(task, reader) for task in tasks]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> OcrWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ocr_pages(
    tasks: list[OcrTask], recognizer: Recognizer | None = None, workers: int = 1, pool: OcrWorkers | None = None
) -> dict[tuple[str, int], OcrText]:
    """Step two: OCR every task's pages, keyed by (sha256, page): in `pool` when given (kept open by the caller),
    else in `workers` processes (with no recognizer given) started for this call, each with its own Tesseract."""
    found: dict[tuple[str, int], OcrText] = {}
    if not tasks:
        return found
    if pool is not None:
        results = pool.run(tasks)
    else:
        with OcrWorkers(workers, recognizer) as own:
            results = own.run(tasks)
    for task, texts in zip(tasks, results, strict=True):
        digest = sha256_of(task.data)
        for number, text in zip(task.pages, texts, strict=True):
            found[(digest, number)] = text
    return found


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def combine(item: Layers, ocr: Mapping[int, OcrText]) -> ReadDocument:
    """Step three: each page's chosen text (OCR where the layer is not good and OCR was done)."""
    pages = []
    for page, quality in zip(item.pdf.pages, item.qualities, strict=True):
        found = ocr.get(page.number) if quality.verdict != "good" else None
        if found is not None:
            pages.append(ReadPage(page.number, page.scanned, quality, "ocr", found.text, found.confidence))
        else:
            pages.append(ReadPage(page.number, page.scanned, quality, "text-layer", page.text, None))
    return ReadDocument(
        name=item.name,
        sha256=item.sha256,
        size=len(item.data),
        encrypted=item.pdf.encrypted,
        producer=item.pdf.producer,
        creator=item.pdf.creator,
        pages=tuple(pages),
        layer_texts=tuple(p.text for p in item.pdf.pages),
    )


def read_document(data: bytes, name: str, recognizer: Recognizer | None = None) -> ReadDocument:
    """All three steps for one file, in this process."""
    item = layers(data, name)
    found = ocr_pages(ocr_tasks([item], lambda _sha, _page: None), recognizer)
    return combine(item, {page: text for (_sha, page), text in found.items()})
