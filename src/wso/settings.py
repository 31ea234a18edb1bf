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
        default="flat",
        description="How an I-247A detainer's 48 hours are counted: flat (default), or excluding weekends, holidays.",
    )
    service_tolerance_minutes: int = Field(
        default=15,
        ge=0,
        le=24 * 60,
        description="Minutes after the release from criminal custody within which a WSO may still serve (default 15).",
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
    session_idle_minutes: int = Field(
        default=30, ge=1, le=720, description="Minutes without a request after which a console session ends."
    )
    max_request_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Largest request body the web server accepts (bytes); 413 above."
    )
    console_audit_max_rows: int = Field(
        default=200_000, ge=1, description="Most rows per table an audit uploaded to the console may hold (CLI: none)."
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The site's address as subscribers reach it: links in e-mails (confirm, unsubscribe) and feeds.",
    )
    watch_interval: int = Field(default=3600, ge=60, description="Seconds between two runs of `wso watch`.")
    watch_jitter: int = Field(default=300, ge=0, description="Up to this many seconds added at random to each wait.")
    watch_fetch_timeout: float = Field(default=60.0, gt=0, description="Seconds before a download from ICE fails.")
    watch_fetch_attempts: int = Field(default=4, ge=1, description="Tries per run to download ICE's lists.")
    watch_alert_after: int = Field(default=3, ge=1, description="Failed runs in a row that raise the alert.")
    watch_alert_email: str | None = Field(default=None, description="Where the watcher's alert is e-mailed.")
    watch_delivery_attempts: int = Field(default=8, ge=1, description="Tries before a delivery is marked failed.")
    watch_concurrency: int = Field(default=16, ge=1, description="Deliveries sent at once.")
    watch_feeds_dir: Path | None = Field(default=None, description="If set, each run writes the Atom feeds here.")
    watch_in_serve: bool = Field(default=False, description="Run the watcher inside `wso serve`.")
    alert_sweep_seconds: int = Field(
        default=60, ge=0, le=86_400, description="Seconds between the custody alert sweeps `wso serve` runs (0: off)."
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail; no e-mail is sent if unset.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP user name (with WSO_SMTP_PASSWORD).")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Require STARTTLS before logging in and sending.")
    smtp_ca_file: Path | None = Field(default=None, description="CA certificates to trust for STARTTLS.")
    smtp_from: str = Field(default="wso <wso@localhost>", description="The From address of every e-mail.")
    records_reminder_days: int | None = Field(
        default=None, ge=0, description="E-mail a requester this many business days before a due date (off if unset)."
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'wso.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
