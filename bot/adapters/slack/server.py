"""Running the Slack app: Socket Mode (no public URL) or HTTP behind a load balancer.

* Socket Mode, when ``SLACK_APP_TOKEN`` is set: the bot opens a websocket to Slack; nothing listens
  on the network. The easy start. Lost connections are re-opened with exponential backoff, one log
  line per attempt (slack_sdk's own reconnecting, every few seconds with a traceback, is off).
* HTTP mode otherwise: ``POST /slack/events`` on ``FACTBOT_SLACK_HOST:FACTBOT_SLACK_PORT``, every
  request verified with ``SLACK_SIGNING_SECRET`` before anything parses it (``_verify.py``);
  ``GET /healthz`` answers the load balancer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack._verify import VERIFIED, RequestVerifier
from bot.adapters.slack.app import SlackConfigError, build_app
from bot.core.service import FactBot
from bot.core.tasks import Backoff, stop_tasks, wait_event
from bot.observability.logs import TracebackAtDebug, status_logger
from bot.settings import SlackSettings

log = logging.getLogger(__name__)

#: slack_sdk's Socket Mode client logs here: its warnings in one line, all of it at DEBUG (it is one of
#: the quiet library loggers of bot.observability.logs).
_SOCKET_MODE_LOG = logging.getLogger("bot.adapters.slack.socket_mode")


class _ReportedByTheRunner(logging.Filter):
    """Drops slack_sdk's line about a failed ``apps.connections.open``: :class:`SlackSocketMode` reports
    the same attempt in its own line, with the next delay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to retrieve WSS URL")


_SOCKET_MODE_LOG.addFilter(_ReportedByTheRunner())
_SOCKET_MODE_LOG.addFilter(TracebackAtDebug())

#: Slack's answers that mean the token itself is wrong: waiting or retrying does not help.
TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope",
     "not_allowed_token_type"}
)
#: How long one Socket Mode connection attempt may take, in seconds.
CONNECT_TIMEOUT = 15.0
#: How often the Socket Mode connection is checked when nothing says it was lost, in seconds.
CHECK_INTERVAL = 10.0


@dataclasses.dataclass(frozen=True)
class Workspace:
    """Who the bot token says the bot is (``auth.test``)."""

    team: str
    team_id: str
    user: str

    def __str__(self) -> str:
        return f"workspace {self.team} ({self.team_id}) as @{self.user}"


def _slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc.response.status_code)


async def identify(client: AsyncWebClient) -> Workspace | None:
    """Check ``SLACK_BOT_TOKEN`` once (``auth.test``): the workspace, or ``None`` when Slack cannot be
    reached now; :class:`SlackConfigError` when Slack refuses the token."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = _slack_error(exc)
        if error in TOKEN_ERRORS:
            raise SlackConfigError(
                f"SLACK_BOT_TOKEN was refused by Slack ({error}): copy the Bot User OAuth Token (xoxb-…) from "
                "the app's OAuth & Permissions page"
            ) from exc
        log.warning("Could not check SLACK_BOT_TOKEN: Slack answered %s", error)
        return None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.warning("Could not check SLACK_BOT_TOKEN: Slack is unreachable (%s)", type(exc).__name__)
        return None
    return Workspace(str(response.get("team")), str(response.get("team_id")), str(response.get("user")))

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class SlackRunner(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SlackHttpServer:
    """The app served by aiohttp on ``host:port`` (port 0 picks a free port; see :attr:`port`).

    Only requests signed with ``signing_secret`` reach the app; the others get 401 and one log line.
    """

    def __init__(self, app: AsyncApp, signing_secret: str, host: str, port: int, path: str = EVENTS_PATH) -> None:
        self.app = app
        self.verifier = RequestVerifier(signing_secret)
        self.host = host
        self.port = port
        self.path = path
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        web_app = web.Application()
        web_app.router.add_post(self.path, self._events)
        web_app.router.add_get(HEALTH_PATH, self._health)
        return web_app

    async def _events(self, request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        refused = self.verifier.check_headers(timestamp, signature)
        raw = b""
        if refused is None:
            raw = await request.read()
            refused = self.verifier.check_body(timestamp or "", signature or "", raw)
        if refused is not None:
            log.info("Refused a request to %s from %s: %s", self.path, request.remote, refused)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
                context={VERIFIED: True},
            )
        except ValueError:  # signed, so from Slack (or whoever holds the secret), but not JSON nor a form
            log.warning("A signed request to %s could not be parsed (%d bytes): ignored", self.path, len(raw))
            return web.json_response({"error": "unreadable request"}, status=400)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    async def start(self) -> None:
        workspace = await identify(self.app.client)  # a refused token stops here, before anything listens
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = self._runner.addresses
        if sockets:
            self.port = sockets[0][1]
        status_logger().info(
            "Slack HTTP mode: listening on %s for %s", self.url, workspace or "a workspace not checked yet"
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class _SocketModeHandler(AsyncSocketModeHandler):
    """bolt's Socket Mode handler on a client that does not reconnect by itself (``auto_reconnect_enabled``
    off): :class:`SlackSocketMode` reconnects, with backoff. The rest is bolt's handler as it is."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        # What AsyncSocketModeHandler.__init__ does, with auto_reconnect_enabled=False (it offers no such argument).
        self.app = app
        self.app_token = app_token
        self.client = SocketModeClient(
            app_token=app_token, logger=_SOCKET_MODE_LOG, web_client=app.client, auto_reconnect_enabled=False
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]


class SlackSocketMode:
    """The app connected to Slack over a Socket Mode websocket, kept connected.

    :meth:`start` checks both tokens once (``auth.test``, then the first ``apps.connections.open``) and
    raises :class:`SlackConfigError` when Slack refuses one. A connection lost later is re-opened
    after ``backoff`` delays (1 s, 2 s, 4 s, … 5 min), with one log line per attempt.
    """

    def __init__(self, app: AsyncApp, app_token: str, *, backoff: Backoff | None = None,
                 check_interval: float = CHECK_INTERVAL) -> None:
        self.app = app
        self.app_token = app_token
        self.backoff = backoff or Backoff()
        self.check_interval = check_interval
        self.handler: _SocketModeHandler | None = None
        self.workspace: Workspace | None = None
        self._lost = asyncio.Event()
        self._connected_once = False
        self._keeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.workspace = await identify(self.app.client)
        # The client's aiohttp session needs the running loop, so it is made here, not in __init__.
        self.handler = _SocketModeHandler(self.app, self.app_token)
        self.handler.client.on_close_listeners.append(self._on_close)
        self.handler.client.on_error_listeners.append(self._on_close)
        try:
            await self._connect()
        except SlackConfigError:
            await self.stop()
            raise
        except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.backoff.next_delay()
            log.warning("Slack Socket Mode: could not connect (%s); next try in %.0f s", _describe(exc),
                        self.backoff.peek())
        else:
            self._connected_once = True
            status_logger().info("Slack Socket Mode: connected to %s", self.workspace or "Slack")
        self._keeper = asyncio.create_task(self._keep_connected(), name="factbot-slack-socket-mode")

    async def stop(self) -> None:
        if self._keeper is not None:
            await stop_tasks([self._keeper])
            self._keeper = None
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None

    async def _on_close(self, _message: object) -> None:
        self._lost.set()

    async def _connect(self) -> None:
        """One attempt: a new websocket URL (a refused app token raises :class:`SlackConfigError`), then
        the connection."""
        assert self.handler is not None
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await self.handler.client.connect_to_new_endpoint(force=True)
        except SlackApiError as exc:
            error = _slack_error(exc)
            if error in TOKEN_ERRORS:
                raise SlackConfigError(
                    f"SLACK_APP_TOKEN was refused by Slack ({error}): it must be an app-level token (xapp-…) "
                    "with the connections:write scope, from the app's Basic Information page"
                ) from exc
            raise

    async def _keep_connected(self) -> None:
        """Watch the connection (woken at once when Slack closes it); re-open a lost one with backoff."""
        assert self.handler is not None
        client = self.handler.client
        while True:
            if await client.is_connected():
                self.backoff.reset()
                self._lost.clear()
                await wait_event(self._lost, self.check_interval)
                continue
            first = self.backoff.attempts == 0
            delay = self.backoff.next_delay()
            if first:
                log.warning("Slack Socket Mode: disconnected; reconnecting in %.0f s", delay)
            await asyncio.sleep(delay)
            try:
                await self._connect()
            except SlackConfigError as exc:  # revoked since the start: keep trying, it may be restored
                log.error("Slack Socket Mode: %s; next try in %.0f s", exc, self.backoff.peek())
            except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.warning("Slack Socket Mode: reconnecting failed (%s); next try in %.0f s", _describe(exc),
                            self.backoff.peek())
            else:
                verb = "reconnected" if self._connected_once else "connected"
                self._connected_once = True
                status_logger().info("Slack Socket Mode: %s to %s", verb, self.workspace or "Slack")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack answered {_slack_error(exc)}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def check_slack_settings(settings: SlackSettings) -> str:
    """How the bot will connect (``"socket"`` or ``"http"``); :class:`SlackConfigError` if it cannot."""
    if settings.slack_bot_token is None:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set: it is needed to run on Slack.")
    if settings.slack_app_token is not None:
        if not settings.slack_app_token.get_secret_value().startswith("xapp-"):
            raise SlackConfigError(
                "SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope."
            )
        return "socket"
    if settings.slack_signing_secret is None:
        raise SlackConfigError(
            "Set SLACK_APP_TOKEN to use Socket Mode, or SLACK_SIGNING_SECRET to receive Slack's requests over HTTP."
        )
    return "http"


def slack_runner(bot: FactBot, settings: SlackSettings) -> SlackRunner:
    """Socket Mode when an app token is set, else HTTP mode (which needs the signing secret)."""
    mode = check_slack_settings(settings)
    app = build_app(bot, settings)
    if mode == "socket" and settings.slack_app_token is not None:
        return SlackSocketMode(app, settings.slack_app_token.get_secret_value())
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    return SlackHttpServer(app, secret, settings.factbot_slack_host, settings.factbot_slack_port)


async def run_slack(bot: FactBot, settings: SlackSettings) -> None:
    """Serve Slack until cancelled."""
    runner = slack_runner(bot, settings)
    await runner.start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.stop()
