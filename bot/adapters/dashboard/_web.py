"""What every page of the dashboard shares: the templates, the app's keys, forms and responses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.core.service import FactBot
from bot.core.signin import DashboardSession
from bot.settings import DashboardSettings

BOT = web.AppKey("factbot", FactBot)
SETTINGS = web.AppKey("dashboard_settings", DashboardSettings)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
#: Where a request's session is kept once the sign-in middleware found it.
SESSION = web.RequestKey("factbot_session", DashboardSession)
#: Form field (and header) of the CSRF token.
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
PERIODS = (7, 30, 90, 365)

_HERE = Path(__file__).resolve().parent
STATIC_DIR = _HERE / "static"


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def templates() -> jinja2.Environment:
    """The page templates, every value escaped unless a template says otherwise (none does for member text)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = _when
    environment.filters["percent"] = _percent
    return environment


def bot_of(request: web.Request) -> FactBot:
    return request.app[BOT]


def session_of(request: web.Request) -> DashboardSession:
    return request[SESSION]


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    session: DashboardSession | None = request.get(SESSION)
    page = request.app[TEMPLATES].get_template(template).render(
        session=session,
        csrf=session.csrf if session else "",
        path=request.path,
        static=lambda name: str(request.app.router["static"].url_for(filename=name)),
        **context,
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """After a change: see the page again with a GET (so a reload does not repeat the change)."""
    return web.Response(status=303, headers={"Location": location})


def int_param(query: Mapping[str, str], name: str, default: int, allowed: tuple[int, ...] = PERIODS) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        return default
    return value if value in allowed else default


def text_param(query: Mapping[str, str], name: str) -> str | None:
    value = (query.get(name) or "").strip()
    return value or None


def digest(value: Any) -> str:
    """A short fingerprint of a proposed change: a save must match the change its preview showed."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]
