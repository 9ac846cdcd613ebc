"""A loopback Discord: the REST routes the bot uses and a gateway websocket, on 127.0.0.1.

The unmodified discord.py client connects to it as to Discord: ``GET /gateway/bot`` names the
websocket, which says HELLO, acknowledges heartbeats, answers IDENTIFY with READY and a
GUILD_CREATE per guild of the shard, and RESUME with the events the bot missed. Tests act as
members (slash commands, autocomplete, clicks, selects, modal submissions, messages) and wait on
what the bot sent back, recorded call by call; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway opcodes
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 8, 9, 10, 11

# Interaction and callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
EPHEMERAL = 1 << 6

ALL_PERMISSIONS = (1 << 50) - 1
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = 0x0000_0400 | 0x0000_0800 | 0x0000_4000 | 0x0001_0000 | 0x0004_0000 | 0x8000_0000  # view, send, embed, history, ext. emoji, use app commands
_OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "number": 10}

_ids = itertools.count(1)


def snowflake() -> int:
    """A fresh, increasing Discord id for the current time."""
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_ids) & 0x3FFFFF)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the Content-Type is exactly application/json (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def _iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


@dataclasses.dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclasses.dataclass
class Member:
    user: User
    roles: list[int] = dataclasses.field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclasses.dataclass
class Guild:
    id: int
    name: str
    channels: dict[str, int]
    roles: dict[str, int]

    def channel_payload(self, name: str, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def payload(self, members: Iterable[Member]) -> dict[str, Any]:
        roles = [
            {
                "id": str(self.id),
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ] + [
            {
                "id": str(role_id),
                "name": name,
                "permissions": "0",
                "position": index + 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": True,
                "flags": 0,
            }
            for index, (name, role_id) in enumerate(self.roles.items())
        ]
        members = list(members)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(members[0].id) if members else "1",
            "features": [],
            "roles": roles,
            "emojis": [],
            "stickers": [],
            "member_count": len(members),
            "members": [m.payload() for m in members],
            "channels": [self.channel_payload(n, c) for n, c in self.channels.items()],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "large": False,
            "unavailable": False,
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "system_channel_flags": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
        }


@dataclasses.dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    files: list[tuple[str, bytes]] = dataclasses.field(default_factory=list)
    at: float = dataclasses.field(default_factory=time.perf_counter)


@dataclasses.dataclass
class Sent:
    """A message as a member sees it (a channel message, an interaction response or a followup)."""

    id: int
    channel_id: int
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int
    payload: dict[str, Any]
    files: list[tuple[str, bytes]] = dataclasses.field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def embed(self) -> dict[str, Any]:
        assert len(self.embeds) == 1, self.embeds
        return self.embeds[0]

    def walk_components(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        stack = list(self.components)
        while stack:
            component = stack.pop(0)
            found.append(component)
            stack[:0] = component.get("components", [])
            if "component" in component:
                stack.insert(0, component["component"])
        return found

    def component(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        matches = [c for c in self.walk_components() if predicate(c)]
        assert matches, f"no such component in {self.components}"
        return matches[0]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if "custom_id" in c]

    def text(self) -> str:
        """Everything a member reads in the message, for assertions on wording."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(p for p in parts if p)


class _Session:
    """A gateway session of one shard: its sequence, its events, and the socket it is on, if any."""

    def __init__(self, session_id: str, shard: tuple[int, int]) -> None:
        self.id = session_id
        self.shard = shard
        self.seq = 0
        self.events: list[dict[str, Any]] = []
        self.ws: web.WebSocketResponse | None = None

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.events.append(frame)
        if self.ws is not None and not self.ws.closed:
            await self.ws.send_str(json.dumps(frame))

    async def replay(self, after: int) -> int:
        missed = [frame for frame in self.events if frame["s"] > after]
        assert self.ws is not None
        for frame in missed:
            await self.ws.send_str(json.dumps(frame))
        return len(missed)


class Interaction:
    """An interaction a member started, and the bot's responses to it."""

    def __init__(self, emulator: DiscordEmulator, payload: dict[str, Any]) -> None:
        self.emulator = emulator
        self.payload = payload
        self.id = int(payload["id"])
        self.token = payload["token"]
        self.started = time.perf_counter()

    def _is_callback(self, call: Call) -> bool:
        return call.method == "POST" and call.path == f"/interactions/{self.id}/{self.token}/callback"

    async def callback(self, timeout: float = 5.0) -> Call:
        return await self.emulator.wait_for_call(self._is_callback, timeout)

    async def callback_type(self, timeout: float = 5.0) -> int:
        return (await self.callback(timeout)).body["type"]

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        call = await self.callback(timeout)
        assert call.body["type"] == AUTOCOMPLETE_RESULT, call.body
        return call.body["data"]["choices"]

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        call = await self.callback(timeout)
        assert call.body["type"] == MODAL, call.body
        return call.body["data"]

    async def reply(self, timeout: float = 5.0) -> Sent:
        """The message the member sees: the immediate response, or the one after "thinking…"."""
        call = await self.callback(timeout)
        kind = call.body["type"]
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            return self.emulator.messages_by_token[self.token][0]
        assert kind in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE), call.body
        prefix = f"/webhooks/{self.emulator.application_id}/{self.token}"
        await self.emulator.wait_for_call(
            lambda c: c.path.startswith(prefix) and c.method in ("POST", "PATCH"), timeout
        )
        return self.emulator.messages_by_token[self.token][-1]


class DiscordEmulator:
    """Discord's REST API and gateway, for one bot application, on 127.0.0.1 and a free port."""

    def __init__(self, *, guilds: list[Guild], members: list[Member], shard_count: int = 1, token: str = "test-token"):
        self.token = token
        self.shard_count = shard_count
        self.max_concurrency = 16  # a large bot's identify concurrency: shards connect together
        self.bot_user = User(snowflake(), "factbot", bot=True)
        self.application_id = self.bot_user.id
        self.guilds = {g.id: g for g in guilds}
        self.members = members
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.global_commands: list[dict[str, Any]] = []
        #: Guilds the bot may not publish commands to (not a member, or no applications.commands scope).
        self.forbidden_guilds: set[int] = set()
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.messages: dict[int, Sent] = {}
        self.messages_by_token: dict[str, list[Sent]] = {}
        self.messages_by_channel: dict[int, list[Sent]] = {}
        self.dm_channels: dict[int, int] = {}
        self.sessions: dict[str, _Session] = {}
        self._interactions: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.port = 0

    # -- server ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """Record the request, answer it, then tell the waiting tests."""
        webhook = "/webhooks/" in request.path or "/interactions/" in request.path  # token in the URL
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif hasattr(value, "file"):
                    files.append((value.filename, value.file.read()))  # type: ignore[union-attr]
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        call = Call(request.method, request.path.removeprefix(API_PREFIX), dict(request.query), body, files)
        response = self._route(call)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return response

    async def wait_for_call(self, predicate: Callable[[Call], bool], timeout: float = 5.0) -> Call:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: any(predicate(c) for c in self.calls)), timeout)
            return next(c for c in self.calls if predicate(c))

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- REST --------------------------------------------------------------------------------

    def _route(self, call: Call) -> web.Response:
        method, parts = call.method, call.path.strip("/").split("/")
        app = str(self.application_id)
        match method, parts:
            case "GET", ["gateway", "bot"]:
                return _json({
                    "url": self.gateway_url,
                    "shards": self.shard_count,
                    "session_start_limit": {
                        "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": self.max_concurrency
                    },
                })
            case "GET", ["gateway"]:
                return _json({"url": self.gateway_url})
            case "GET", ["users", "@me"]:
                return _json(self.bot_user.payload())
            case "GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]:
                return _json(self._application())
            case "PUT", ["applications", a, "commands"] if a == app:
                self.global_commands = self._store_commands(call.body, None)
                return _json(self.global_commands)
            case "PUT", ["applications", a, "guilds", guild_id, "commands"] if a == app and int(guild_id) in self.forbidden_guilds:
                return _json({"message": "Missing Access", "code": 50001}, status=403)
            case "PUT", ["applications", a, "guilds", guild_id, "commands"] if a == app:
                stored = self._store_commands(call.body, int(guild_id))
                self.guild_commands[int(guild_id)] = stored
                return _json(stored)
            case "GET", ["applications", a, "commands"] if a == app:
                return _json(self.global_commands)
            case "POST", ["interactions", interaction_id, token, "callback"]:
                return _json(self._interaction_callback(int(interaction_id), token, call))
            case "POST", ["webhooks", a, token] if a == app:
                return _json(self._store_message(self._interaction_channel(token), call, token=token).payload)
            case "PATCH", ["webhooks", a, token, "messages", message_id] if a == app:
                return _json(self._edit_message(token, message_id, call).payload)
            case "GET", ["webhooks", a, token, "messages", "@original"] if a == app:
                return _json(self.messages_by_token[token][0].payload)
            case "POST", ["channels", channel_id, "messages"]:
                return _json(self._store_message(int(channel_id), call).payload)
            case "PUT", ["channels", _, "messages", _, "reactions", _, "@me"]:
                return web.Response(status=204)
            case "POST", ["channels", _, "typing"]:
                return web.Response(status=204)
            case "POST", ["users", "@me", "channels"]:
                recipient = int(call.body["recipient_id"])
                channel_id = self.dm_channels.setdefault(recipient, snowflake())
                return _json({"id": str(channel_id), "type": 1, "recipients": [self._user(recipient).payload()]})
        return _json({"message": f"404: Not Found ({method} {call.path})", "code": 0}, status=404)

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "factbot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.members[0].user.payload() if self.members else self.bot_user.payload(),
            "team": None,
            "summary": "",
            "bot": self.bot_user.payload(),
            "interactions_endpoint_url": None,
        }

    def _store_commands(self, commands: list[dict[str, Any]], guild_id: int | None) -> list[dict[str, Any]]:
        names = [c["name"] for c in commands]
        assert len(names) == len(set(names)), f"duplicate command names: {names}"
        stored = []
        for command in commands:
            full = {
                "id": str(snowflake()),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": command.get("type", 1),
                "description": command.get("description", ""),
                "options": command.get("options", []),
                "default_member_permissions": command.get("default_member_permissions"),
                "dm_permission": command.get("dm_permission", True),
                "nsfw": command.get("nsfw", False),
                **command,
            }
            if full["default_member_permissions"] is not None:
                full["default_member_permissions"] = str(full["default_member_permissions"])  # a string, as Discord has it
            if guild_id is not None:
                full["guild_id"] = str(guild_id)
            stored.append(full)
        return stored

    def _user(self, user_id: int) -> User:
        if user_id == self.bot_user.id:
            return self.bot_user
        return next(m.user for m in self.members if m.id == user_id)

    def _interaction_channel(self, token: str) -> int:
        return int(self._interactions[token]["channel_id"])

    def _message_payload(self, message_id: int, channel_id: int, body: dict[str, Any], *, interaction: dict[str, Any] | None = None) -> dict[str, Any]:
        body = body or {}
        payload: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(),
            "content": body.get("content") or "",
            "timestamp": _iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 19 if body.get("message_reference") else 0,
            "flags": body.get("flags") or 0,
        }
        if interaction is not None:
            payload["webhook_id"] = str(self.application_id)
            payload["application_id"] = str(self.application_id)
            payload["interaction_metadata"] = {
                "id": interaction["id"],
                "type": interaction["type"],
                "user": (interaction.get("member") or {}).get("user") or interaction.get("user"),
                "authorizing_integration_owners": {},
            }
        if body.get("message_reference"):
            payload["message_reference"] = body["message_reference"]
        guild_id = self._guild_of_channel(channel_id)
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
        return payload

    def _guild_of_channel(self, channel_id: int) -> int | None:
        return next((g.id for g in self.guilds.values() if channel_id in g.channels.values()), None)

    def _store_message(self, channel_id: int, call: Call, *, token: str | None = None, message_id: int | None = None) -> Sent:
        body = call.body or {}
        interaction = self._interactions.get(token) if token else None
        payload = self._message_payload(message_id or snowflake(), channel_id, body, interaction=interaction)
        if call.files:
            payload["attachments"] = [
                {"id": str(snowflake()), "filename": name, "size": len(data), "url": f"http://127.0.0.1/{name}",
                 "proxy_url": f"http://127.0.0.1/{name}"}
                for name, data in call.files
            ]
        sent = Sent(
            id=int(payload["id"]),
            channel_id=channel_id,
            content=payload["content"],
            embeds=payload["embeds"],
            components=payload["components"],
            flags=payload["flags"],
            payload=payload,
            files=call.files,
            allowed_mentions=body.get("allowed_mentions"),
        )
        self.messages[sent.id] = sent
        self.messages_by_channel.setdefault(channel_id, []).append(sent)
        if token is not None:
            self.messages_by_token.setdefault(token, []).append(sent)
        return sent

    def _edit_message(self, token: str, message_id: str, call: Call) -> Sent:
        sent_list = self.messages_by_token.setdefault(token, [])
        original = sent_list[0] if message_id == "@original" and sent_list else self.messages.get(int(message_id) if message_id.isdigit() else -1)
        channel_id = self._interaction_channel(token)
        body = dict(call.body or {})
        if original is not None:
            body.setdefault("flags", original.flags)
        edited = self._store_message(channel_id, call, token=None, message_id=original.id if original else None)
        edited.flags = body.get("flags") or edited.flags
        sent_list.append(edited)
        return edited

    def _interaction_callback(self, interaction_id: int, token: str, call: Call) -> dict[str, Any]:
        interaction = self._interactions[token]
        assert int(interaction["id"]) == interaction_id
        assert call.query.get("with_response") in ("1", "true", "True"), call.query
        kind = call.body["type"]
        data = call.body.get("data") or {}
        response: dict[str, Any] = {
            "interaction": {
                "id": str(interaction_id),
                "type": interaction["type"],
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            body = data if kind == CHANNEL_MESSAGE else {"flags": data.get("flags", 0)}
            message_call = Call("POST", call.path, {}, body, call.files)
            channel_id = int(interaction["channel_id"])
            sent = self._store_message(channel_id, message_call, token=token if kind == CHANNEL_MESSAGE else None)
            if kind == DEFERRED_CHANNEL_MESSAGE:
                self.messages_by_token.setdefault(token, []).append(sent)  # the "thinking…" placeholder
            response["interaction"]["response_message_id"] = str(sent.id)
            response["resource"]["message"] = sent.payload
        return response

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: _Session | None = None
        await ws.send_str(json.dumps({"op": HELLO, "d": {"heartbeat_interval": 41_250}}))
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                op, data = frame["op"], frame.get("d")
                if op == HEARTBEAT:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
                elif op == IDENTIFY:
                    session = await self._identify(ws, data)
                elif op == RESUME:
                    session = await self._resume(ws, data)
                elif op == REQUEST_MEMBERS:
                    log.debug("ignoring a member request: the bot should not need members")
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
            await self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> _Session:
        assert data["token"] == self.token, "bad token"
        shard = tuple(data.get("shard") or (0, 1))
        session = _Session(f"session-{snowflake()}", shard)  # type: ignore[arg-type]
        session.ws = ws
        self.sessions[session.id] = session
        guilds = [g for g in self.guilds.values() if (g.id >> 22) % shard[1] == shard[0]]
        await session.dispatch("READY", {
            "v": 10,
            "user": self.bot_user.payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(shard),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        })
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", guild.payload(self.members))
        async with self._changed:
            self.identifies.append(data)
            self._changed.notify_all()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> _Session:
        session = self.sessions.get(data["session_id"])
        if session is None or data["token"] != self.token:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            raise web.HTTPBadRequest
        session.ws = ws
        replayed = await session.replay(int(data["seq"] or 0))
        session.seq += 1
        await ws.send_str(json.dumps({"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}}))
        session.events.append({"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}})
        async with self._changed:
            self.resumes.append({**data, "replayed": replayed})
            self._changed.notify_all()
        return session

    def session_for_guild(self, guild_id: int | None) -> _Session:
        shard_id = (guild_id >> 22) % self.shard_count if guild_id is not None else 0
        sessions = [s for s in self.sessions.values() if s.shard[0] == shard_id]
        assert sessions, f"no session for shard {shard_id}"
        return sessions[-1]

    async def drop_connection(self, guild_id: int | None = None) -> None:
        """Cut the shard's websocket (as a network failure would); its session can be resumed."""
        session = self.session_for_guild(guild_id)
        ws, session.ws = session.ws, None  # events from now on wait for the RESUME
        assert ws is not None
        await ws.close(code=4000, message=b"dropped by the test")

    # -- members' actions --------------------------------------------------------------------

    def _base_interaction(self, kind: int, member: Member, guild: Guild | None, channel_id: int) -> dict[str, Any]:
        interaction_id = snowflake()
        token = f"token-{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": str(ALL_PERMISSIONS),
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            name = next(n for n, c in guild.channels.items() if c == channel_id)
            payload["channel"] = {**guild.channel_payload(name, channel_id), "permissions": str(member.permissions)}
            payload["member"] = {**member.payload(), "permissions": str(member.permissions)}
            payload["context"] = 0
        else:
            payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [member.user.payload()]}
            payload["user"] = member.user.payload()
            payload["context"] = 1
        self._interactions[token] = payload
        return payload

    def _command(self, name: str, guild: Guild | None) -> dict[str, Any]:
        commands = (self.guild_commands.get(guild.id, []) if guild else []) + self.global_commands
        for command in commands:
            if command["name"] == name:
                return command
        raise AssertionError(f"/{name} was not synced; synced: {[c['name'] for c in commands]}")

    def _options(self, schema: list[dict[str, Any]], values: dict[str, Any], focused: str | None) -> list[dict[str, Any]]:
        options = []
        for name, value in values.items():
            spec = next((o for o in schema if o["name"] == name), None)
            assert spec is not None, f"no option {name!r} in {[o['name'] for o in schema]}"
            option = {"name": name, "type": spec["type"], "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        for spec in schema:
            if spec.get("required") and spec["name"] not in values:
                raise AssertionError(f"required option {spec['name']!r} missing")
        return options

    async def _send_interaction(self, payload: dict[str, Any], guild: Guild | None) -> Interaction:
        interaction = Interaction(self, payload)
        session = self.session_for_guild(guild.id if guild else None)
        await session.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        member: Member,
        guild: Guild | None,
        channel_id: int,
        focused: str | None = None,
    ) -> Interaction:
        """``/command sub option:value`` as typed by ``member``; with ``focused``, an autocomplete request."""
        name, *subcommand = command.split()
        spec = self._command(name, guild)
        kind = AUTOCOMPLETE if focused else APPLICATION_COMMAND
        payload = self._base_interaction(kind, member, guild, channel_id)
        values = options or {}
        if subcommand:
            sub = next((o for o in spec["options"] if o["name"] == subcommand[0] and o["type"] == 1), None)
            assert sub is not None, f"no subcommand {command!r}"
            opts = [{"name": sub["name"], "type": 1, "options": self._options(sub.get("options", []), values, focused)}]
        else:
            opts = self._options(spec.get("options", []), values, focused)
        data: dict[str, Any] = {"id": spec["id"], "name": name, "type": 1, "options": opts}
        if "guild_id" in spec:
            data["guild_id"] = spec["guild_id"]
        payload["data"] = data
        return await self._send_interaction(payload, guild)

    async def click(self, message: Sent, custom_id: str, *, member: Member, guild: Guild | None) -> Interaction:
        component = message.component(lambda c: c.get("custom_id") == custom_id)
        assert component["type"] == 2, component
        payload = self._base_interaction(MESSAGE_COMPONENT, member, guild, message.channel_id)
        payload["message"] = message.payload
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return await self._send_interaction(payload, guild)

    async def select(self, message: Sent, custom_id: str, values: list[str], *, member: Member, guild: Guild | None) -> Interaction:
        component = message.component(lambda c: c.get("custom_id") == custom_id)
        assert component["type"] == 3, component
        offered = {o["value"] for o in component["options"]}
        assert set(values) <= offered, f"{values} not among {offered}"
        payload = self._base_interaction(MESSAGE_COMPONENT, member, guild, message.channel_id)
        payload["message"] = message.payload
        payload["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._send_interaction(payload, guild)

    async def submit_modal(
        self, modal: dict[str, Any], values: dict[str, str], *, member: Member, guild: Guild | None, channel_id: int
    ) -> Interaction:
        """Fill the modal's text inputs by label (the others keep their default value) and submit."""
        rows = []
        labels = []
        for row in modal["components"]:
            inputs = row.get("components") or [row["component"]]
            for text_input in inputs:
                label = text_input.get("label") or row.get("label")
                labels.append(label)
                value = values.get(label, text_input.get("value") or "")
                assert len(value) <= text_input.get("max_length", 4000), f"{label!r} longer than its max_length"
                rows.append({"type": 1, "components": [{"type": 4, "custom_id": text_input["custom_id"], "value": value}]})
        unknown = set(values) - set(labels)
        assert not unknown, f"no inputs labelled {unknown}; labels: {labels}"
        payload = self._base_interaction(MODAL_SUBMIT, member, guild, channel_id)
        payload["data"] = {"custom_id": modal["custom_id"], "components": rows}
        return await self._send_interaction(payload, guild)

    async def send_message(
        self,
        content: str,
        *,
        author: Member,
        guild: Guild | None,
        channel_id: int | None = None,
        mentions: list[User] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """A member posts ``content`` in a guild channel, or (``guild=None``) in a DM to the bot."""
        if guild is None:
            channel_id = self.dm_channels.setdefault(author.id, snowflake())
        assert channel_id is not None
        payload: dict[str, Any] = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "author": author.user.payload(),
            "content": content,
            "timestamp": _iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [u.payload() for u in mentions],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
            payload["member"] = author.payload(with_user=False)
        session = self.session_for_guild(guild.id if guild else None)
        await session.dispatch("MESSAGE_CREATE", payload)
        return payload

    def replies_to(self, message: dict[str, Any]) -> list[Sent]:
        channel_id = int(message["channel_id"])
        return [
            sent
            for sent in self.messages_by_channel.get(channel_id, [])
            if str((sent.payload.get("message_reference") or {}).get("message_id")) == message["id"]
        ]

    async def reply_to(self, message: dict[str, Any], timeout: float = 5.0) -> Sent:
        await self.wait_until(lambda: bool(self.replies_to(message)), timeout)
        return self.replies_to(message)[0]

    def reactions_on(self, message: dict[str, Any]) -> list[str]:
        from urllib.parse import unquote

        prefix = f"/channels/{message['channel_id']}/messages/{message['id']}/reactions/"
        return [unquote(c.path.removeprefix(prefix).split("/")[0]) for c in self.calls if c.path.startswith(prefix)]
