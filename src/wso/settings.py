"""Settings from the environment (prefix ``WSO_``), one typed object for the whole package."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("wso", appauthor=False))


class Settings(BaseSettings):
    """Every setting `wso` reads. Each field is documented in the README's settings table (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="WSO_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir, description="Where the default database and captures live."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the database; default: an SQLite file in WSO_DATA_DIR."
    )
    laws_file: Path | None = Field(
        default=None, description="A CSV of state laws that adds to or overrides the packaged ones."
    )
    records_facts_file: Path | None = Field(
        default=None, description="A CSV of public-records facts that adds to or corrects the packaged ones."
    )
    detainer_reading: Literal["excluding", "flat"] = Field(
        default="excluding",
        description="How an I-247A detainer's 48 hours are counted: excluding weekends and holidays, or flat.",
    )
    fetch_participating_url: str = Field(
        default="https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies.xlsx",
        description="Where `wso registry fetch` downloads ICE's participating-agencies spreadsheet.",
    )
    fetch_pending_url: str = Field(
        default="https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies.xlsx",
        description="Where `wso registry fetch` downloads ICE's pending-agencies spreadsheet.",
    )
    webhook_url: str | None = Field(default=None, description="Where custody alerts are POSTed, if set.")
    custody_pseudonym_key: str | None = Field(
        default=None,
        description="Key for the custody export's stable pseudonyms; generated and kept in WSO_DATA_DIR if unset.",
    )
    secret_key: str | None = Field(
        default=None, description="Key for signing web sessions; generated and kept in WSO_DATA_DIR if unset."
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'wso.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
