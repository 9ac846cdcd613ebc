"""Where settings come from: constructor values, then the environment (names in any case), then the
``.env`` file, then the defaults; and what a value that does not fit says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_KNOWLEDGE_DIR,
    DashboardSettings,
    DiscordSettings,
    KnowledgeSettings,
    LogSettings,
    MetricsSettings,
    SemanticSettings,
    SettingError,
    Settings,
    SlackSettings,
    build_section,
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith(("FACTBOT_", "DISCORD_", "SLACK_", "DATABASE_")):
            monkeypatch.delenv(name)


def test_defaults_are_validated_and_only_what_was_given_counts_as_set() -> None:
    knowledge = KnowledgeSettings(_env_file=None)
    assert knowledge.knowledge_dir == DEFAULT_KNOWLEDGE_DIR.resolve() and knowledge.index_cache is True
    assert knowledge.model_fields_set == set()
    assert LogSettings(_env_file=None, level="DEBUG").model_fields_set == {"level"}


def test_environment_names_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("factbot_semantic_threads", "3")
    monkeypatch.setenv("FACTBOT_Semantic", "off")
    monkeypatch.setenv("Slack_Bot_Token", "xoxb-1")
    semantic = SemanticSettings(_env_file=None)
    assert semantic.semantic_threads == 3 and semantic.semantic is False
    assert semantic.model_fields_set == {"semantic_threads", "semantic"}
    token = SlackSettings(_env_file=None).slack_bot_token
    assert token is not None and token.get_secret_value() == "xoxb-1" and "xoxb" not in repr(token)


def test_the_environment_wins_over_the_env_file_and_constructor_values_over_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "settings.env"
    env_file.write_text(
        "FACTBOT_DASHBOARD_HOST=10.0.0.1\n"
        "export FACTBOT_DASHBOARD_PORT='8081'\n"
        'factbot_dashboard_session_hours="2.5"  # a comment\n'
        "FACTBOT_DASHBOARD_URL=https://${FACTBOT_TEST_HOST}/\n"
        "FACTBOT_METRICS_PORT\n"  # a name without a value sets nothing
        "FACTBOT_LOG_LEVEL=DEBUG\n",  # another section's: ignored here
        encoding="utf-8",
    )
    monkeypatch.setenv("FACTBOT_TEST_HOST", "factbot.example.org")
    monkeypatch.setenv("FACTBOT_DASHBOARD_PORT", "9090")
    dashboard = DashboardSettings(_env_file=env_file)
    assert (dashboard.host, dashboard.port, dashboard.session_hours) == ("10.0.0.1", 9090, 2.5)
    assert dashboard.url == "https://factbot.example.org"
    assert DashboardSettings(_env_file=env_file, port=7070).port == 7070
    assert DashboardSettings(_env_file=None).host == "127.0.0.1"  # no file read
    assert MetricsSettings(_env_file=env_file).port is None
    assert Settings(env_file=env_file).log.level == "DEBUG"
    assert Settings(env_file=tmp_path / "missing.env").dashboard.port == 9090


def test_lists_are_split_on_commas_and_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTBOT_DISCORD_MOD_ROLES", "1, 2 3")
    monkeypatch.setenv("FACTBOT_SLACK_MOD_USERS", "")
    assert DiscordSettings(_env_file=None).factbot_discord_mod_roles == [1, 2, 3]
    assert SlackSettings(_env_file=None).factbot_slack_mod_users == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FACTBOT_METRICS_PORT", "x", "FACTBOT_METRICS_PORT: Input should be a valid integer, unable to parse string as an integer"),
        ("FACTBOT_METRICS_PORT", "", "FACTBOT_METRICS_PORT: Input should be a valid integer, unable to parse string as an integer"),
        ("FACTBOT_METRICS_PORT", "70000", "FACTBOT_METRICS_PORT: Input should be less than or equal to 65535"),
        ("FACTBOT_DASHBOARD_URL", "ftp://x", "FACTBOT_DASHBOARD_URL: must be an http:// or https:// address"),
        ("FACTBOT_DISCORD_MOD_ROLES", "a,b", "FACTBOT_DISCORD_MOD_ROLES: Input should be a valid integer"),
        ("FACTBOT_LOG_FORMAT", "xml", "FACTBOT_LOG_FORMAT: String should match pattern '^(text|json)$'"),
    ],
)
def test_a_value_that_does_not_fit_names_its_variable_and_not_the_value(
    name: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as raised:
        Settings(env_file=Path(os.devnull))
    assert str(raised.value).startswith(message), raised.value
    if value:
        assert f"'{value}'" not in str(raised.value)


def test_a_section_built_alone_says_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTBOT_INDEX_CACHE", "maybe")
    with pytest.raises(SettingError, match=r"^FACTBOT_INDEX_CACHE: Input should be a valid boolean"):
        build_section(KnowledgeSettings, Path(os.devnull))
