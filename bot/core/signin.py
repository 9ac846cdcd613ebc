"""Signing in to the moderators' dashboard without passwords: one-time links and sessions.

A moderator asks for a link where their rights are already checked (``/kb dashboard`` on Discord
or Slack, ``factbot kb dashboard-link`` in a shell). The link holds a random token that works once,
for :data:`LINK_LIFETIME`; using it opens a session, whose random token lives in a cookie. Only
SHA-256 hashes of the tokens are stored, in the shared database, so a link minted by one process
(a shell command) signs in on another (the running dashboard), and sessions hold across instances.

Each session has a CSRF token derived from its own token (an HMAC), so it needs no storage and
reveals nothing about the cookie.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable

from bot.core.errors import ModerationError
from bot.core.moderation import Actor, audit_entry
from bot.core.ports import SignInRecord, Storage

log = logging.getLogger(__name__)

#: How long a sign-in link works.
LINK_LIFETIME = dt.timedelta(minutes=10)
#: How long a dashboard session lasts unless the moderator signs out.
SESSION_LIFETIME = dt.timedelta(hours=8)
#: Where a link leads, below the dashboard's address.
SIGNIN_PATH = "/signin/"
#: The platform dashboard actions are audited under; the user is the moderator's own platform:id.
PLATFORM = "dashboard"


class DashboardNotConfigured(ModerationError):
    """No dashboard address is configured, so there is nothing to link to."""

    def __init__(self) -> None:
        super().__init__(
            "the dashboard is not configured: set FACTBOT_DASHBOARD_PORT (and FACTBOT_DASHBOARD_URL "
            "when it is reached through another address) to make sign-in links"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class SignInLink:
    url: str
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class DashboardSession:
    """A signed-in moderator. ``token`` is the cookie's value; never log it."""

    token: str = dataclasses.field(repr=False)
    actor: Actor
    expires_at: dt.datetime

    @property
    def csrf(self) -> str:
        """The token every state-changing request of this session must carry."""
        return csrf_token(self.token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode("utf-8"), b"factbot-dashboard-csrf", hashlib.sha256).hexdigest()


def dashboard_actor(owner: SignInRecord) -> Actor:
    """Who acts through a session: the moderator who asked for the link, on the dashboard."""
    return Actor(platform=PLATFORM, user=f"{owner.platform}:{owner.user}", name=owner.name)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DashboardAccess:
    """Mints links and turns them into sessions, in ``storage``; ``base_url`` is where links lead."""

    def __init__(
        self,
        storage: Storage,
        base_url: str | None,
        *,
        session_lifetime: dt.timedelta = SESSION_LIFETIME,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._storage = storage
        self.base_url = base_url.rstrip("/") if base_url else None
        self.session_lifetime = session_lifetime
        self._clock = clock

    async def mint_link(self, actor: Actor, lifetime: dt.timedelta = LINK_LIFETIME) -> SignInLink:
        """A one-time sign-in link for ``actor`` (whose moderator rights the caller has checked)."""
        if self.base_url is None:
            raise DashboardNotConfigured()
        await self._storage.open()
        token = secrets.token_urlsafe(32)
        now = self._clock()
        owner = SignInRecord(actor.platform, actor.user, actor.name, now + lifetime)
        await self._storage.save_signin_link(token_hash(token), owner, now)
        await self._storage.record_audit(audit_entry("dashboard-link", actor))
        log.info("dashboard sign-in link made for %s", actor)
        return SignInLink(f"{self.base_url}{SIGNIN_PATH}{token}", owner.expires_at)

    async def redeem(self, token: str) -> DashboardSession | None:
        """A new session for the link's owner, once; ``None`` for a used, expired or unknown link."""
        await self._storage.open()
        now = self._clock()
        owner = await self._storage.redeem_signin_link(token_hash(token), now)
        if owner is None:
            return None
        session = secrets.token_urlsafe(32)
        record = SignInRecord(owner.platform, owner.user, owner.name, now + self.session_lifetime)
        await self._storage.save_session(token_hash(session), record, now)
        actor = dashboard_actor(owner)
        await self._storage.record_audit(audit_entry("sign-in", actor))
        log.info("dashboard session opened for %s", actor)
        return DashboardSession(session, actor, record.expires_at)

    async def session(self, token: str) -> DashboardSession | None:
        """The unexpired session with this cookie value, else ``None``."""
        if not token:
            return None
        await self._storage.open()
        owner = await self._storage.session(token_hash(token), self._clock())
        return DashboardSession(token, dashboard_actor(owner), owner.expires_at) if owner else None

    async def sign_out(self, session: DashboardSession) -> None:
        await self._storage.end_session(token_hash(session.token))
        await self._storage.record_audit(audit_entry("sign-out", session.actor))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


__all__ = [
    "LINK_LIFETIME",
    "SESSION_LIFETIME",
    "DashboardAccess",
    "DashboardNotConfigured",
    "DashboardSession",
    "SignInLink",
    "csrf_token",
    "dashboard_actor",
    "same_token",
]
