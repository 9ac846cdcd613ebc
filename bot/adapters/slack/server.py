"""Running the Slack app: Socket Mode (no public URL) or HTTP behind a load balancer.

* Socket Mode, when ``SLACK_APP_TOKEN`` is set: the bot opens a websocket to Slack; nothing listens
  on the network. The easy start.
* HTTP mode otherwise: ``POST /slack/events`` on ``FACTBOT_SLACK_HOST:FACTBOT_SLACK_PORT``, every
  request verified with ``SLACK_SIGNING_SECRET`` before anything parses it (``_verify.py``);
  ``GET /healthz`` answers the load balancer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.slack._verify import VERIFIED, RequestVerifier
from bot.adapters.slack.app import SlackConfigError, build_app
from bot.core.service import FactBot
from bot.settings import SlackSettings

log = logging.getLogger(__name__)

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
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = self._runner.addresses
        if sockets:
            self.port = sockets[0][1]
        log.info("Slack HTTP mode: listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class SlackSocketMode:
    """The app connected to Slack over a Socket Mode websocket."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.handler: AsyncSocketModeHandler | None = None

    async def start(self) -> None:
        # The handler's aiohttp session needs the running loop, so it is made here, not in __init__.
        self.handler = AsyncSocketModeHandler(self.app, self.app_token)
        await self.handler.connect_async()
        log.info("Slack Socket Mode: connected")

    async def stop(self) -> None:
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None


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
