"""The floor of `wso registry ingest` as a whole process: a script that only parses the same spreadsheets.

    .venv/bin/python benchmarks/registry_parse_only.py FOLDER...

Every .xlsx file under the folders (as `wso registry ingest` finds them), each first sheet read by python-calamine
into Python values, in a plain loop; prints the number of rows. `benchmarks/registry_ingest.py --whole-process`
times it against `wso registry ingest` as whole processes, paired (benchmarks/whole_process.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def main() -> None:
    rows = 0
    for folder in sys.argv[1:]:
        for path in sorted(Path(folder).rglob("*.xlsx")):
            rows += len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    print(rows)


if __name__ == "__main__":
    main()
