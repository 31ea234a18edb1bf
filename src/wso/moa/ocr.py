"""Optical character recognition of rendered pages: Tesseract (Debian's language data) through tesserocr.

`Recognizer` is the seam: one method, `read(image)`. `Tesseract` is the real one; tests of what surrounds OCR
use `FakeRecognizer`. Tesseract's language data comes from Debian's `tesseract-ocr-eng` (or TESSDATA_PREFIX).
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image

# Pages are rendered at this resolution for OCR: 12-point type is then about 25 pixels high, which Tesseract
# reads as well as at 300 dpi, in less time (docs/performance.md has the figures).
OCR_DPI = 200
LANGUAGE = "eng"
INSTALL_HINT = "install Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng (or set TESSDATA_PREFIX)"


class OcrUnavailable(RuntimeError):
    """Tesseract or its English data cannot be found."""


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float  # Tesseract's mean word confidence, 0 to 100


class Recognizer(Protocol):
    """Reads the text of one page image."""

    @property
    def engine(self) -> str:
        """Names the engine and its data, so that a cached result is reused only for the same engine."""
        ...

    def read(self, image: Image) -> OcrText: ...


def tessdata_dir() -> Path:
    """The folder holding eng.traineddata: TESSDATA_PREFIX, else Debian's /usr/share/tesseract-ocr/*/tessdata."""
    candidates: list[Path] = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        candidates += [Path(prefix), Path(prefix) / "tessdata"]
    candidates += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    candidates.append(Path("/usr/share/tessdata"))
    for folder in candidates:
        if (folder / f"{LANGUAGE}.traineddata").is_file():
            return folder
    raise OcrUnavailable(f"no Tesseract language data ({LANGUAGE}.traineddata) found; {INSTALL_HINT}")


@cache
def _data_stamp(folder: Path) -> str:
    stat = (folder / f"{LANGUAGE}.traineddata").stat()
    return f"{stat.st_size}"


def tesseract_engine(tessdata: Path | None = None) -> str:
    """The engine stamp a `Tesseract` would carry, without starting one: the library's version, the data's, and
    the resolution pages are read at (a page read otherwise is read again, not taken from the cache)."""
    try:
        import tesserocr
    except ImportError as exc:  # pragma: no cover - a dependency of wso
        raise OcrUnavailable(f"the tesserocr package is missing; {INSTALL_HINT}") from exc
    folder = tessdata or tessdata_dir()
    return f"tesseract {tesserocr.tesseract_version().split()[1]} {LANGUAGE}:{_data_stamp(folder)} {OCR_DPI}dpi"


#: Leptonica's ``L_SEVERITY_NONE``: no message printed at all
_LEPT_SEVERITY_NONE = 6


@cache
def quiet_leptonica() -> bool:
    """Stop Leptonica (the image library inside Tesseract) from printing on this process's stderr: on some scans it
    prints "Error in boxClipToRectangle: box outside rectangle" and goes on, and Tesseract reads the page all the
    same, so a user sees only alarming noise. Its message severity is set to none in the Leptonica this process has
    loaded (found in /proc/self/maps; ``setMsgSeverity``). False where it cannot be found (another platform)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "lept" in line.rsplit("/", 1)[-1]}
    except OSError:
        return False
    for path in sorted(p for p in paths if p.startswith("/")):
        try:
            library = ctypes.CDLL(path)  # the same handle as the loaded one: dlopen counts references
            library.setMsgSeverity(ctypes.c_int(_LEPT_SEVERITY_NONE))
        except (OSError, AttributeError):
            continue
        return True
    return False


class Tesseract:
    """Tesseract's LSTM engine, one instance per process (it is not thread-safe), page segmentation automatic."""

    def __init__(self, tessdata: Path | None = None) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per process: parallelism is by processes
        try:
            import tesserocr
        except ImportError as exc:  # pragma: no cover - a dependency of wso
            raise OcrUnavailable(f"the tesserocr package is missing; {INSTALL_HINT}") from exc
        folder = tessdata or tessdata_dir()
        self._api = tesserocr.PyTessBaseAPI(path=str(folder) + os.sep, lang=LANGUAGE, psm=tesserocr.PSM.AUTO)
        self._engine = tesseract_engine(folder)
        quiet_leptonica()

    @property
    def engine(self) -> str:
        return self._engine

    def read(self, image: Image) -> OcrText:
        """The page's text. The pixels are handed over as they are (tesserocr's `SetImage` would encode the page
        as PNG for Leptonica to decode again: about 80 ms a page), with the resolution they were rendered at."""
        grey = image if image.mode == "L" else image.convert("L")
        self._api.SetImageBytes(grey.tobytes(), grey.width, grey.height, 1, grey.width)
        self._api.SetSourceResolution(int(image.info.get("dpi", (OCR_DPI,))[0]))
        text = self._api.GetUTF8Text()
        confidence = float(self._api.MeanTextConf())
        self._api.Clear()
        return OcrText(text=text, confidence=max(confidence, 0.0))


@dataclass
class FakeRecognizer:
    """Answers every page with the same text: for tests of what surrounds OCR (the real one is tested too)."""

    text: str = "fake OCR text"
    confidence: float = 90.0
    calls: int = 0

    @property
    def engine(self) -> str:
        return "fake"

    def read(self, image: Image) -> OcrText:
        self.calls += 1
        return OcrText(self.text, self.confidence)
