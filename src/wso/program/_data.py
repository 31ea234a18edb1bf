"""Reading the package's own data files (the only I/O `wso.program` does)."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml


def data_text(name: str) -> str:
    return files("wso.program").joinpath("data", name).read_text(encoding="utf-8")


def data_yaml(name: str) -> Any:
    return yaml.safe_load(data_text(name))
