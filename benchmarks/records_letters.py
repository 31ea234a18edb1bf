"""Render request letters for every state in the facts file and print the CPU time each format takes.

Markdown, HTML and DOCX: every state x (an agency with a TFM, a JEM, a WSO agreement, one with all three, and one
with none) x (English, Spanish). PDF (WeasyPrint; slow): every state twice, as the tests do: the agency with all
three models in English and the agency with none in Spanish. Every PDF is read back with pypdf (timed apart) and
checked for the citation, the agency, its agreements and every record set.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parents[1])]

from tests.records.letters import AGENCIES, ALL_MODELS, REQUESTER, assert_says, pdf_text  # noqa: E402

from wso.records import compose_letter, render_letter, state_facts  # noqa: E402

PDF_CASES = {(ALL_MODELS, "en"), ("none", "es")}


def main() -> None:
    facts = state_facts()
    on = date(2026, 11, 23)
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    sizes: dict[str, int] = defaultdict(int)
    started = time.process_time()
    for state in facts.values():
        for kind, agency in AGENCIES.items():
            for lang in ("en", "es"):
                start = time.process_time()
                letter = compose_letter(agency=agency, facts=state, requester=REQUESTER, lang=lang, on=on)  # type: ignore[arg-type]
                seconds["compose"] += time.process_time() - start
                counts["compose"] += 1
                formats = ["md", "html", "docx"]
                if (kind, lang) in PDF_CASES:
                    formats.append("pdf")
                for fmt in formats:
                    start = time.process_time()
                    data = render_letter(letter, fmt)
                    seconds[fmt] += time.process_time() - start
                    counts[fmt] += 1
                    sizes[fmt] += len(data)
                    if fmt == "pdf":
                        start = time.process_time()
                        text = pdf_text(data)
                        seconds["pypdf"] += time.process_time() - start
                        counts["pypdf"] += 1
                        assert_says(text, letter, state)
    total = time.process_time() - started
    print(f"states: {len(facts)}; letters composed: {counts['compose']}; total {total:.1f} s CPU")
    for name in ("compose", "md", "html", "docx", "pdf", "pypdf"):
        mean_ms = 1000 * seconds[name] / counts[name]
        size = f", mean {sizes[name] / counts[name] / 1024:.1f} KiB" if name in sizes else ""
        print(f"{name:>8}: {counts[name]:4d} in {seconds[name]:6.2f} s = {mean_ms:7.1f} ms each{size}")


if __name__ == "__main__":
    main()
