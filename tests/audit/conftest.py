from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wso.audit import generate


def require_spark() -> None:
    """PySpark needs Java; without it the Spark tests skip locally and fail under CI=true."""
    problem = None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        problem = "no java on PATH (PySpark needs Java 17)"
    else:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            problem = "pyspark is not installed (pip install -e '.[dev]')"
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {problem}: the PySpark tests must run in CI")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (they are slow to start)."""
    require_spark()
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("wso-audit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(out, 3000, seed=11, violation_rate=0.15)
    return out
