"""Signing in with a one-time link, and out.

The link's page asks for a click before it uses the link: chat apps fetch the links posted in them
to preview them, and a GET must not spend a one-time link. The session cookie is HttpOnly,
SameSite=Strict, expires with the session, and is Secure (with the ``__Host-`` prefix) when the
dashboard's public address is https.
"""

from __future__ import annotations

from aiohttp import web

from bot.adapters.dashboard._web import SESSION, SETTINGS, bot_of, redirect, render, session_of
from bot.core.signin import LINK_LIFETIME, SIGNIN_PATH
from bot.settings import DashboardSettings

SIGNIN_PREFIX = SIGNIN_PATH


def cookie_name(settings: DashboardSettings) -> str:
    return "__Host-factbot-session" if settings.secure_cookies else "factbot-session"


async def link_page(request: web.Request) -> web.Response:
    return render(request, "signin.html", token=request.match_info["token"], minutes=LINK_LIFETIME.seconds // 60)


async def sign_in(request: web.Request) -> web.StreamResponse:
    token = str((await request.post()).get("token", ""))
    bot = bot_of(request)
    session = await bot.access.redeem(token) if token else None
    if session is None:
        return render(request, "signed_out.html", status=403, reason="link-refused")
    settings = request.app[SETTINGS]
    response = redirect("/")
    response.set_cookie(
        cookie_name(settings),
        session.token,
        max_age=int(bot.access.session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=settings.secure_cookies,
    )
    return response


async def signed_out(request: web.Request) -> web.Response:
    return render(request, "signed_out.html", status=401, reason="signed-out")


async def sign_out(request: web.Request) -> web.Response:
    await bot_of(request).access.sign_out(session_of(request))
    request.pop(SESSION, None)
    response = render(request, "signed_out.html", reason="bye")
    settings = request.app[SETTINGS]
    response.del_cookie(cookie_name(settings), path="/", secure=settings.secure_cookies, httponly=True, samesite="Strict")
    return response


def register(router: web.UrlDispatcher) -> None:
    router.add_get(SIGNIN_PATH + "{token}", link_page)
    router.add_get("/signin", signed_out)
    router.add_post("/signin", sign_in)
    router.add_post("/signout", sign_out)
