"""Typed settings, one section per concern, read from the environment and an optional ``.env``.

Settings are built by :func:`load_settings` when a command needs them, never at import time, so
importing the package needs no token. Secrets are ``SecretStr``: they print as ``**********``.

A section is a pydantic model whose fields are read as pydantic-settings reads them: the values
given to the constructor, else the environment (``env_prefix`` and the field's name, in any case),
else the ``.env`` file, else the defaults (validated too). Every value is validated as the text it
is: lists are split by their own validators (``FACTBOT_DISCORD_MOD_ROLES=1,2``), nothing is decoded
as JSON. pydantic-settings itself is not used: it imports asyncio (with ssl and sockets) and much
else that a one-shot ``factbot ask`` has no use for, about a twelfth of that command's time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

#: The project root of a source checkout (where ``knowledge/`` and ``data/`` live).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

class SettingError(Exception):
    """A setting cannot work: the message names it and says what is wrong, in one line for the operator.

    ``factbot`` prints the message alone and exits with status 2; the traceback is for ``--log-level DEBUG``.
    """


#: Lists, comma- or space-separated in the environment (see :func:`_split`).
IdList = list[int]
StrList = list[str]


def _split(value: object) -> object:
    """Lists in the environment are comma- or space-separated: ``FACTBOT_DISCORD_MOD_ROLES=1,2``."""
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return value


class SectionConfig(ConfigDict, total=False):
    """A section's model configuration: pydantic's, and where its values are read."""

    #: The start of its fields' environment variables (``FACTBOT_``; ``""``: the field's name alone).
    env_prefix: str
    #: The ``.env`` file read after the environment (UTF-8); ``None``: none.
    env_file: Path | None


#: ``_env_file`` not given: the section's ``env_file``.
_CONFIGURED: Any = object()


class _Section(BaseModel):
    model_config = SectionConfig(env_file=PROJECT_ROOT / ".env", extra="ignore", validate_default=True)

    def __init__(self, _env_file: Path | None = _CONFIGURED, **values: Any) -> None:
        env_file = self.model_config.get("env_file") if _env_file is _CONFIGURED else _env_file
        # (the names of values given here are matched in any case too)
        given = {name.lower() if name.lower() in type(self).model_fields else name: v for name, v in values.items()}
        super().__init__(**{**_read(type(self), env_file), **given})


def _read(section: type[_Section], env_file: Path | None) -> dict[str, str]:
    """The values of ``section``'s fields found in the environment, else in ``env_file``."""
    prefix = section.model_config.get("env_prefix", "")
    fields = {(prefix + name).lower(): name for name in section.model_fields}
    found: dict[str, str] = {}
    path = Path(env_file).expanduser() if env_file is not None else None
    if path is not None and (path.is_file() or path.is_fifo()):
        from dotenv import dotenv_values  # imported only where there is a .env file

        for key, value in dotenv_values(path, encoding="utf-8").items():
            if value is not None and (name := fields.get(key.lower())) is not None:
                found[name] = value
    for key, value in os.environ.items():
        if (name := fields.get(key.lower())) is not None:
            found[name] = value
    return found


class KnowledgeSettings(_Section):
    model_config = SectionConfig(env_prefix="FACTBOT_")

    knowledge_dir: Path = Field(DEFAULT_KNOWLEDGE_DIR, description="Directory of knowledge YAML files.")
    index_cache: bool = Field(
        True,
        description="Keep the loaded knowledge and its index in FACTBOT_DATA_DIR/index-cache, so a restart on "
        "unchanged knowledge files is quick; false: read and index the files on every start.",
    )

    @field_validator("knowledge_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()


class SemanticSettings(_Section):
    """The semantic stage: a multilingual sentence-embedding model beside the lexical index."""

    model_config = SectionConfig(env_prefix="FACTBOT_")

    semantic: bool = Field(
        True, description="Semantic matching on (default) or off (small hosts: the lexical index answers alone)."
    )
    semantic_cache_dir: Path | None = Field(
        None, description="Directory of the cached embeddings of phrasings; unset: FACTBOT_DATA_DIR/embeddings."
    )
    semantic_threads: int = Field(
        1, ge=1, le=64, description="Threads of the embedding model for a member's question."
    )
    semantic_build_threads: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Batches of phrasings embedded at once when the knowledge is embedded (first start, "
        "reloads); unset: one per core this process may use.",
    )


class LogSettings(_Section):
    model_config = SectionConfig(env_prefix="FACTBOT_LOG_")

    level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING, ERROR.")
    format: str = Field("text", pattern="^(text|json)$", description="'text' for people, 'json' for collectors.")


class DatabaseSettings(_Section):
    """Where questions, feedback, runtime edits and the audit log are stored."""

    model_config = SectionConfig(env_prefix="")

    database_url: SecretStr | None = Field(
        None,
        description="SQLAlchemy async URL, e.g. postgresql+asyncpg://user:pass@host/db. "
        "Unset: a SQLite file in FACTBOT_DATA_DIR.",
    )
    factbot_data_dir: Path = Field(DEFAULT_DATA_DIR, description="Directory of the SQLite file and history.")
    factbot_retention_days: int = Field(90, ge=1, description="Logged questions older than this are purged.")
    factbot_user_hash_key: SecretStr | None = Field(
        None, description="Key of the user-id hash; unset: a random key kept in the data directory."
    )
    factbot_log_buffer: int = Field(10_000, ge=100, description="Question logs kept in memory during an outage.")


class MetricsSettings(_Section):
    model_config = SectionConfig(env_prefix="FACTBOT_METRICS_")

    host: str = Field("127.0.0.1", description="Address of the metrics and health endpoint.")
    port: int | None = Field(None, ge=0, le=65535, description="Port of /metrics and /healthz; unset: off.")


def local_url(host: str, port: int) -> str:
    """The address of a server listening on ``host:port``, as a browser on this machine reaches it."""
    host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class DashboardSettings(_Section):
    """The moderators' dashboard (a web page): where it listens and the address its links use."""

    model_config = SectionConfig(env_prefix="FACTBOT_DASHBOARD_")

    host: str = Field("127.0.0.1", description="Address the dashboard listens on.")
    port: int | None = Field(None, ge=0, le=65535, description="Port of the dashboard; unset: no dashboard.")
    url: str | None = Field(
        None,
        description="Public address of the dashboard (behind a proxy), e.g. https://factbot.example.org; "
        "sign-in links use it, and its cookie is Secure when it is https. Unset: http://HOST:PORT.",
    )
    session_hours: float = Field(8.0, gt=0, le=24 * 30, description="Hours a dashboard session lasts.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        parsed = urlsplit(value)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.query or parsed.fragment:
            raise PydanticCustomError(
                "http_url", "must be an http:// or https:// address such as https://factbot.example.org"
            )
        return value

    @property
    def public_url(self) -> str | None:
        """Where sign-in links lead: the configured URL, else this host and port (``None``: no dashboard)."""
        if self.url:
            return self.url
        return local_url(self.host, self.port) if self.port is not None else None

    @property
    def secure_cookies(self) -> bool:
        return (self.public_url or "").startswith("https://")


class DiscordSettings(_Section):
    model_config = SectionConfig(env_prefix="")

    discord_token: SecretStr | None = Field(None, description="Bot token; set to run on Discord.")
    factbot_discord_api_base: str = Field(
        "https://discord.com/api/v10", description="Discord REST base URL (a REST proxy, or the test emulator)."
    )
    factbot_discord_mod_roles: IdList = Field(default_factory=list, description="Role ids allowed /kb.")
    factbot_discord_auto_channels: IdList = Field(
        default_factory=list, description="Channels where questions are answered without a command."
    )
    factbot_discord_auto_threshold: float = Field(85.0, ge=0, le=100)
    factbot_discord_auto_cooldown: float = Field(60.0, ge=0, description="Seconds between auto-answers per channel.")
    factbot_discord_ask_cooldown: float = Field(5.0, ge=0, description="Seconds between /ask per member.")
    factbot_discord_shard_count: int | None = Field(None, ge=1)
    factbot_discord_shard_ids: IdList = Field(default_factory=list, description="Shards this process runs.")
    factbot_discord_dev_guild: int | None = Field(None, description="Guild that `discord sync` targets by default.")

    _split_lists = field_validator(
        "factbot_discord_mod_roles", "factbot_discord_auto_channels", "factbot_discord_shard_ids", mode="before"
    )(_split)


class SlackSettings(_Section):
    model_config = SectionConfig(env_prefix="")

    slack_bot_token: SecretStr | None = Field(None, description="Bot token (xoxb-…); set to run on Slack.")
    slack_signing_secret: SecretStr | None = Field(None, description="Verifies HTTP requests from Slack.")
    slack_app_token: SecretStr | None = Field(None, description="App token (xapp-…): Socket Mode when set.")
    factbot_slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL.")
    factbot_slack_host: str = Field("0.0.0.0", description="HTTP mode listen address.")
    factbot_slack_port: int = Field(3000, ge=0, le=65535, description="HTTP mode listen port.")
    factbot_slack_mod_users: StrList = Field(default_factory=list, description="User ids allowed /kb.")

    _split_lists = field_validator("factbot_slack_mod_users", mode="before")(_split)


_S = TypeVar("_S", bound=_Section)


def build_section(section: type[_S], env_file: Path | None = None) -> _S:
    """One section from the environment and ``.env``; a value that does not fit is a :class:`SettingError`
    naming its variable (the value itself is not repeated: it may be a secret)."""
    kwargs = {"_env_file": env_file} if env_file is not None else {}
    try:
        return section(**kwargs)
    except ValidationError as exc:
        prefix = str(section.model_config.get("env_prefix") or "")
        problems = "; ".join(
            f"{(prefix + str(error['loc'][0])).upper() if error['loc'] else section.__name__}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        )
        raise SettingError(problems) from None


class Settings:
    """All sections, built once per process by :func:`load_settings`."""

    def __init__(self, env_file: Path | None = None) -> None:
        self.knowledge = build_section(KnowledgeSettings, env_file)
        self.semantic = build_section(SemanticSettings, env_file)
        self.log = build_section(LogSettings, env_file)
        self.database = build_section(DatabaseSettings, env_file)
        self.metrics = build_section(MetricsSettings, env_file)
        self.dashboard = build_section(DashboardSettings, env_file)
        self.discord = build_section(DiscordSettings, env_file)
        self.slack = build_section(SlackSettings, env_file)


def load_settings(env_file: Path | None = None) -> Settings:
    return Settings(env_file)


__all__ = ["IdList", "SecretStr", "SettingError", "Settings", "StrList", "build_section", "load_settings"]
