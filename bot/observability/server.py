"""The metrics and health endpoint: ``GET /metrics`` (Prometheus) and ``GET /healthz`` (JSON).

It runs in a thread of its own, so it answers whatever the bot's event loop is doing (the console
chat blocks it while waiting for input; a busy Discord shard may too). ``/healthz`` is 200 as long
as the bot can answer, which does not need the database; the body says whether the database is
reachable (``"status": "degraded"`` when it is not) and how many log entries wait in memory.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)


class ObservabilityServer:
    """Serves ``metrics()`` at ``/metrics`` and ``health()`` at ``/healthz`` on ``host:port``."""

    def __init__(
        self, host: str, port: int, metrics: Callable[[], bytes], health: Callable[[], dict[str, Any]]
    ) -> None:
        handler = _handler(metrics, health)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="factbot-metrics", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    def start(self) -> ObservabilityServer:
        self._thread.start()
        log.info("metrics and health endpoint on http://%s:%d (/metrics, /healthz)", self.host, self.port)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(metrics: Callable[[], bytes], health: Callable[[], dict[str, Any]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "factbot"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, metrics())
            elif path in {"/healthz", "/health"}:
                self._send(200, "application/json", json.dumps(health()).encode())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found: try /metrics or /healthz\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            log.debug("%s %s", self.address_string(), format % args)

    return Handler
