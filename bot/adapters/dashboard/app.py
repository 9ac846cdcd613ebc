"""The dashboard's aiohttp application and server.

Every response carries strict security headers (:func:`_security_headers`). Every page but the
sign-in page and the static files needs a session (:func:`_signed_in`), and every request that
changes something carries the session's CSRF token. :func:`_errors` is the one place where an
exception becomes a page: the core's refusals are shown to the moderator as they are, anything
unexpected is logged with its traceback and answered with a short apology.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.adapters.dashboard import facts, inbox, signin, stats, tryit
from bot.adapters.dashboard._web import (
    BOT,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION,
    SETTINGS,
    STATIC_DIR,
    TEMPLATES,
    render,
    templates,
)
from bot.adapters.dashboard.errors import DashboardSetupError
from bot.core.errors import FactRejected, ModerationError, StorageUnavailable, UnknownFact
from bot.core.service import FactBot
from bot.core.signin import same_token
from bot.settings import DashboardSettings, local_url

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Scripts, styles and images only from the dashboard itself; nothing inline, no frames, no plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: Paths served without a session.
PUBLIC_PREFIXES = ("/static/", signin.SIGNIN_PREFIX)
PUBLIC_PATHS = {"/signin", "/favicon.ico"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except FactRejected as exc:
        return render(request, "message.html", status=422, title="Not saved", problems=exc.problems, message=None)
    except StorageUnavailable as exc:
        return render(request, "message.html", status=503, title="Database unavailable", message=str(exc), problems=[])
    except UnknownFact as exc:
        return render(request, "message.html", status=404, title="No such fact", message=str(exc), problems=[])
    except ModerationError as exc:
        return render(request, "message.html", status=409, title="Not done", message=str(exc), problems=[])
    except asyncio.CancelledError:
        raise
    except ConnectionError:
        # The browser went away mid-request (a page left while a check was on its way): nobody to answer.
        log.debug("dashboard request %s %s: the connection was lost", request.method, request.path)
        return web.Response(status=400)
    except Exception:
        log.exception("dashboard request %s %s failed", request.method, request.path)
        return render(
            request,
            "message.html",
            status=500,
            title="Something went wrong",
            message="Something went wrong on the bot's side; the details are in its log.",
            problems=[],
        )


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@web.middleware
async def _signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _public(request.path):
        return await handler(request)
    bot: FactBot = request.app[BOT]
    session = await bot.access.session(request.cookies.get(signin.cookie_name(request.app[SETTINGS]), ""))
    if session is None:
        return render(request, "signed_out.html", status=401, reason="signed-out")
    request[SESSION] = session
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            given = (await request.post()).get(CSRF_FIELD)
        if not same_token(session.csrf, given if isinstance(given, str) else None):
            log.warning("dashboard: %s %s refused, no valid CSRF token (%s)", request.method, request.path, session.actor)
            return render(
                request,
                "message.html",
                status=403,
                title="Refused",
                message="This request did not carry the page's security token, so nothing was changed. "
                "Reload the page and try again.",
                problems=[],
            )
    return await handler(request)


def build_app(bot: FactBot, settings: DashboardSettings) -> web.Application:
    app = web.Application(middlewares=[_security_headers, _errors, _signed_in], client_max_size=256 * 1024)
    app[BOT] = bot
    app[SETTINGS] = settings
    app[TEMPLATES] = templates()
    for feature in (signin, inbox, facts, stats, tryit):
        feature.register(app.router)
    app.router.add_static("/static/", STATIC_DIR, name="static", append_version=True)
    return app


class DashboardServer:
    """The dashboard on ``host:port`` (port 0 picks a free one; see :attr:`url`)."""

    def __init__(self, bot: FactBot, settings: DashboardSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.host = settings.host
        self.port = settings.port or 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Where moderators reach it: the public address when one is configured."""
        return self.settings.url or local_url(self.host, self.port)

    async def start(self) -> DashboardServer:
        """Listen; :class:`DashboardSetupError` (one plain line for the operator) when it cannot."""
        self._runner = web.AppRunner(build_app(self.bot, self.settings), access_log=None)  # URLs hold tokens
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise DashboardSetupError(
                f"the dashboard cannot listen on {self.host}:{self.port} ({exc.strerror or exc}): "
                "set FACTBOT_DASHBOARD_HOST / FACTBOT_DASHBOARD_PORT to an address and free port of this machine"
            ) from exc
        if self._runner.addresses:
            self.port = self._runner.addresses[0][1]
        self.bot.access.base_url = self.url
        log.info("moderator dashboard on %s", self.url)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
