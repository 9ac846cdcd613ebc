"""How the dashboard is served: beside the console by ``factbot run`` (which prints a sign-in link),
and what an operator reads when its settings are wrong."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

import pytest

from dashboard_site import Site, free_port

pytestmark = pytest.mark.timeout(90)


def _run(site: Site, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
        env=site.environment(**environment), stdin=subprocess.DEVNULL,
    )


def test_run_on_the_console_serves_the_dashboard_and_prints_a_sign_in_link(site: Site) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=site.environment(FACTBOT_DASHBOARD_PORT=str(port)),
    )
    try:
        line = ""
        while not line.startswith("Moderator dashboard:"):
            line = process.stdout.readline()
            assert line, process.stderr.read()
        link = line.split()[-1]
        assert link.startswith(f"http://127.0.0.1:{port}/signin/")
        with urllib.request.urlopen(link, timeout=5) as page:  # served while the console chat runs
            assert "Sign in to moderate" in page.read().decode()
        output, errors = process.communicate("does china recognise kosovo?\n", timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, errors
    assert "recognise" in output.casefold() and "Traceback" not in errors


def test_a_busy_port_and_a_bad_address_are_one_plain_line(site: Site) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = _run(site, "dashboard", "--port", str(busy.getsockname()[1]))
    assert result.returncode == 2
    assert result.stderr.startswith("factbot: the dashboard cannot listen on 127.0.0.1:")
    assert "FACTBOT_DASHBOARD_PORT" in result.stderr and "Traceback" not in result.stderr

    result = _run(site, "kb", "dashboard-link", FACTBOT_DASHBOARD_URL="ftp://factbot.example.org")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "factbot: FACTBOT_DASHBOARD_URL: must be an http:// or https:// address such as https://factbot.example.org"
    )


def test_a_link_for_an_https_address_uses_it(site: Site) -> None:
    result = _run(site, "kb", "--as", "Ana", "dashboard-link", FACTBOT_DASHBOARD_URL="https://factbot.example.org/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("https://factbot.example.org/signin/")
    assert "works once" in result.stderr
