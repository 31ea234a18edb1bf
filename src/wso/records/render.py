"""A `Letter` as Markdown, HTML, PDF (WeasyPrint, from the same Jinja2 template as the HTML) or DOCX (python-docx),
and the one safe way to write it: a temporary file in the same folder, renamed into place.
"""

from __future__ import annotations

import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wso.records.letter import Letter

Format = Literal["md", "html", "pdf", "docx"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf", "docx")
TEMPLATES = Path(__file__).resolve().parent / "templates"


class UnknownFormat(ValueError):
    def __init__(self, value: str) -> None:
        super().__init__(f"unknown format {value!r}; accepted: {', '.join(FORMATS)}")


def parse_format(value: str) -> Format:
    text = value.strip().lower()
    for fmt in FORMATS:
        if fmt == text:
            return fmt
    raise UnknownFormat(value)


if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> jinja2.Environment:
    import jinja2  # here, not at import: only rendering a letter needs it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_markdown(letter: Letter) -> str:
    return _environment(False).get_template("letter.md.j2").render(letter=letter)


def render_html(letter: Letter) -> str:
    return _environment(True).get_template("letter.html.j2").render(letter=letter)


def render_pdf(letter: Letter) -> bytes:
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=render_html(letter)).write_pdf()
    return pdf


def render_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Georgia"
    normal.font.size = Pt(11)
    document.core_properties.title = letter.subject
    document.core_properties.language = letter.lang
    bullet = document.styles["List Bullet"].style_id
    heading_style = document.styles["Heading 2"].style_id

    def styled(style_id: str, text: str = "") -> Any:
        # python-docx's style setter searches every style for the default on each call (most of the render time);
        # setting the paragraph property's style id directly gives the same XML.
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().style = style_id
        return paragraph

    if letter.notes:
        heading = document.add_paragraph()
        run = heading.add_run(letter.note_heading)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        for note in letter.notes:
            document.add_paragraph(note).runs[0].italic = True
    for lines in (letter.sender, (letter.date_line,), letter.recipient):
        paragraph = document.add_paragraph()
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index < len(lines) - 1:
                run.add_break()
    document.add_paragraph().add_run(letter.subject).bold = True
    document.add_paragraph(letter.salutation)
    document.add_paragraph(letter.intro)
    for section in letter.sections:
        styled(heading_style, section.heading)
        for text in section.paragraphs:
            document.add_paragraph(text)
        for item in section.items:
            paragraph = styled(bullet)
            paragraph.add_run(item.title).bold = True
            body = paragraph.add_run(": " + item.text)
            if section.code_items:
                body.font.name = "Courier New"
                body.font.size = Pt(9)
            if item.note:
                paragraph.add_run().add_break()
                paragraph.add_run(item.note).italic = True
        for text in section.after:
            document.add_paragraph(text)
    document.add_paragraph(letter.closing)
    document.add_paragraph(letter.signoff)
    document.add_paragraph(letter.signature)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_letter(letter: Letter, fmt: Format | str) -> bytes:
    """The letter in one format, as the bytes of the file (text formats in UTF-8)."""
    chosen = parse_format(fmt)
    if chosen == "md":
        return render_markdown(letter).encode("utf-8")
    if chosen == "html":
        return render_html(letter).encode("utf-8")
    if chosen == "pdf":
        return render_pdf(letter)
    return render_docx(letter)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename: whole or not at all."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {folder} does not exist")
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
