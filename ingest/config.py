"""Settings: read once at the entry point (environment and an optional .env file) and passed down."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.errors import ConfigError


class Settings(BaseSettings):
    """Configuration of CONTRACTS §1, plus tuning knobs with safe defaults."""

    model_config = SettingsConfigDict(env_prefix="INGEST_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./ingest.db"
    redis_url: str | None = None
    data_dir: Path = Path("./data")
    secret_key: str | None = None
    templates_dir: Path | None = None  # customer PDF templates (*.toml); default: DATA_DIR/templates

    max_document_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    auto_commit_threshold: float = Field(default=0.95, ge=0.0, le=1.0)
    job_timeout_seconds: int = Field(default=300, gt=0)
    sweep_grace_seconds: float = Field(default=300.0, ge=0)  # received this long ago and not done: resubmit
    poll_lock_seconds: float = Field(default=900.0, gt=0)  # a source poll holds its lock at most this long
    # exports through the outbox: exponential backoff between attempts, then `failed`
    outbox_backoff_seconds: float = Field(default=30.0, ge=0)
    outbox_backoff_cap_seconds: float = Field(default=3600.0, ge=0)
    outbox_max_attempts: int = Field(default=10, ge=1)
    outbox_timeout_seconds: float = Field(default=10.0, gt=0)  # one webhook request
    # email confirmations: smtp://host:port (STARTTLS with smtp_starttls) or smtps://host:port
    smtp_url: str | None = None
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_password_file: Path | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    smtp_ca_file: Path | None = None  # certificates to trust beyond the system's
    mail_from: str | None = None  # the From of confirmations, e.g. "Northwind Orders <orders@…>"
    log_format: str = Field(default="console", pattern="^(console|json)$")
    log_level: str | None = None  # default: WARNING for commands, INFO for run/worker/serve

    def ensure_data_dir(self) -> Path:
        """Create the data directory if needed and return it."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot create INGEST_DATA_DIR {self.data_dir}: {exc.strerror}; set it to a writable folder"
            ) from exc
        return self.data_dir

    @property
    def templates_folder(self) -> Path:
        return self.templates_dir or self.data_dir / "templates"

    def resolved_secret_key(self) -> str:
        """INGEST_SECRET_KEY, or a key generated on first run and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.ensure_data_dir() / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key


def load_settings() -> Settings:
    """Read the settings; a bad value becomes a ConfigError that names the variable."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"INGEST_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
