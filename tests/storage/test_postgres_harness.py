"""The throwaway PostgreSQL of the test session: a machine without it skips, CI fails."""

from __future__ import annotations

import pytest

from support import postgres


def _unavailable():
    raise postgres.PostgresUnavailable("initdb not found")
    yield  # pragma: no cover - a generator, like the real context manager


@pytest.mark.parametrize(("in_ci", "outcome"), [(True, pytest.fail.Exception), (False, pytest.skip.Exception)])
def test_a_server_that_cannot_start_skips_locally_and_fails_in_ci(monkeypatch, in_ci, outcome) -> None:
    import contextlib

    monkeypatch.setattr(postgres, "IN_CI", in_ci)
    monkeypatch.setattr(postgres, "throwaway_postgres", contextlib.contextmanager(_unavailable))
    with pytest.raises(outcome, match="initdb not found"), postgres.server_for_tests():
        pass


def test_not_root_without_binaries_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(postgres.os, "geteuid", lambda: 1000)
    with pytest.raises(postgres.PostgresUnavailable, match="apt-get install -y postgresql"):
        postgres.install_postgres()


def test_the_session_server_is_reachable(postgres_server: postgres.PostgresServer) -> None:
    assert postgres_server.running()
    assert postgres_server.psql("SHOW fsync") == "off"
    assert postgres_server.psql("SELECT current_user") == postgres.SUPERUSER
