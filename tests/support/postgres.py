"""A throwaway PostgreSQL server for the test session: initdb in a temporary directory, a free port.

Finds ``initdb``/``pg_ctl`` on ``PATH`` or under ``/usr/lib/postgresql/*/bin``; when they are missing
and we run as root (as CI does), installs Debian's ``postgresql`` package. PostgreSQL refuses to run
as root, so as root the cluster belongs to an unprivileged user (``postgres`` when the package made
it, else ``nobody``) and its commands run through ``runuser``. ``fsync`` is off, as the data is
thrown away at the end; commits stay synchronous, so an abrupt stop (the outage tests) loses nothing
that was committed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

SUPERUSER = "factbot"
#: In CI a PostgreSQL that cannot start fails the run: the storage tests must run there.
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
_APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


class PostgresUnavailable(RuntimeError):
    """The throwaway server cannot be started; the message says why and what to do."""


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest installed version), if any."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key, reverse=True)
    for candidate in candidates:
        bin_dir = Path(candidate).parent
        if (bin_dir / "initdb").exists():
            return bin_dir
    return None


def install_postgres() -> None:
    """``apt-get install postgresql`` (root only)."""
    if os.geteuid() != 0:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed and we are not root: "
            "install them with `sudo apt-get install -y postgresql`, or run as root"
        )
    if shutil.which("apt-get") is None:
        raise PostgresUnavailable("PostgreSQL is not installed and there is no apt-get to install it with")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]):
        result = subprocess.run(command, env=_APT_ENV, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owner() -> str | None:
    """The user that runs the server when we are root (``None`` when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresUnavailable("running as root and found neither a 'postgres' nor a 'nobody' user to run PostgreSQL")


class PostgresServer:
    """One cluster in a temporary directory; :meth:`stop` and :meth:`start` may be called again (fault tests)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.owner = _owner()
        self.root = Path(tempfile.mkdtemp(prefix="factbot-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.logfile = self.root / "server.log"
        self.port = _free_port()
        self._databases = 0
        self._shared: str | None = None
        self._password_users: set[str] = set()
        self.socket_dir.mkdir()
        if self.owner is not None:
            entry = pwd.getpwnam(self.owner)
            for path in (self.root, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(self, argv: Sequence[str], *, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C"},
        )
        if check and result.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise PostgresUnavailable(
                f"`{' '.join(argv)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}"
            )
        return result

    def init(self) -> None:
        self._run(
            [
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ]
        )

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.socket_dir}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c max_connections=100",
                "-c shared_buffers=32MB",
            ]
        )
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"], check=False)

    def kill(self) -> None:
        """Stop the server abruptly (``immediate`` mode: no clean shutdown, clients see connections drop)."""
        self.stop("immediate")

    def running(self) -> bool:
        return self._run(["pg_ctl", "-D", str(self.data), "status"], check=False).returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAtc",
                sql,
            ]
        )
        return result.stdout.strip()

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def password_user(self, user: str, password: str) -> str:
        """A role that must log in with ``password`` over TCP (the others keep ``trust``); the URL of
        one of its databases, without a password, for the caller to add a right or a wrong one."""
        if user not in self._password_users:
            hba = self.data / "pg_hba.conf"
            hba.write_text(f"host all {user} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
            self._run(["pg_ctl", "-D", str(self.data), "reload"])
            self.psql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
            self._password_users.add(user)
        database = self.create_database().rsplit("/", 1)[1]
        self.psql(f'ALTER DATABASE "{database}" OWNER TO {user}')
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        self._databases += 1
        name = f"factbot_test_{os.getpid()}_{self._databases}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def empty_database(self) -> str:
        """The URL of a database emptied for the caller: one database, its schema dropped and made anew.

        Much faster than ``CREATE DATABASE`` (about 20 ms instead of 300), which matters over dozens of tests.
        """
        if self._shared is None:
            self._shared = self.create_database().rsplit("/", 1)[1]
        else:
            self.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public", database=self._shared)
        return self.url(self._shared)

    def cleanup(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """Start a server (installing PostgreSQL first when missing and allowed); remove it afterwards."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        install_postgres()
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable("installed the postgresql package but found no initdb/pg_ctl")
    server = PostgresServer(bin_dir)
    try:
        started = time.perf_counter()
        server.init()
        server.start()
        server.started_in = time.perf_counter() - started
        yield server
    finally:
        server.cleanup()


@contextlib.contextmanager
def server_for_tests() -> Iterator[PostgresServer]:
    """:func:`throwaway_postgres` for a pytest fixture: skip when it cannot start, but fail in CI."""
    import pytest

    try:
        with throwaway_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        if IN_CI:
            pytest.fail(f"CI needs the PostgreSQL tests, but PostgreSQL could not start: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unavailable: {exc}")
