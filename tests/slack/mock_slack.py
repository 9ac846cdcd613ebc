"""A loopback Slack for the tests: Web API methods, ``response_url`` endpoints, Socket Mode.

One aiohttp server on 127.0.0.1 (port 0) records every call the app makes, answers like Slack does,
and lets a test wait on a recorded call instead of sleeping. The idea is bolt-python's own
``tests/mock_web_api_server``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_USER = "UFACTBOT"
BOT_ID = "BFACTBOT"
TEAM = "T0LIBRARY"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"


@dataclasses.dataclass(frozen=True)
class Call:
    """One request the app made: a Web API method, or a post to a ``response_url``."""

    method: str  # "chat.postMessage", …, or "response_url"
    params: dict[str, Any]
    path: str
    token: str | None
    at: float

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.params.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    def texts(self) -> list[str]:
        """Every piece of text the person would read, in block order (fallback ``text`` last)."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") in {"mrkdwn", "plain_text"} and isinstance(node.get("text"), str):
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.blocks)
        if isinstance(self.params.get("text"), str):
            found.append(self.params["text"])
        return found

    def text(self) -> str:
        return "\n".join(self.texts())

    def buttons(self) -> list[dict[str, Any]]:
        return [
            element
            for block in self.blocks
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("type") == "button"
        ]

    def button(self, action_id_prefix: str) -> dict[str, Any]:
        matches = [b for b in self.buttons() if b["action_id"].startswith(action_id_prefix)]
        assert matches, f"no button {action_id_prefix!r} in {[b['action_id'] for b in self.buttons()]}"
        return matches[0]


class MockSlack:
    """Slack's side of the conversation, on loopback."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        #: method (or "response_url") -> how many more times to answer 429 (``Retry-After: 0``).
        self.rate_limited: dict[str, int] = {}
        self.rate_limit_hits: list[str] = []
        #: method -> the error Slack answers it with (``{"ok": false, "error": …}``), every time.
        self.failing: dict[str, str] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def add_user(self, user_id: str, *, admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "team_id": TEAM, "name": user_id.lower(), "is_admin": admin, "is_owner": owner}

    # --- recording ---------------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def called(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (where is None or where(c))]

    async def wait_for(
        self, method: str, where: Callable[[Call], bool] | None = None, *, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """The first ``count`` calls of ``method`` matching ``where``, once they have been made."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.called(method, where)) >= count), timeout
            )
        return self.called(method, where)[:count]

    # --- Web API -----------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.text()
        if body:
            if request.content_type == "application/json":
                params.update(json.loads(body))
            else:
                params.update(dict(parse_qsl(body, keep_blank_values=True)))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or None
        params = await self._params(request)
        if self.rate_limited.get(method, 0) > 0:
            self.rate_limited[method] -= 1
            self.rate_limit_hits.append(method)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"})
        await self._record(Call(method, params, request.path, token, time.perf_counter()))
        if method in self.failing:
            return web.json_response({"ok": False, "error": self.failing[method]})
        return web.json_response(self._answer(method, params, token))

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "apps.connections.open":
            if token != APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "url": "https://library.example/", "team": "Library", "user": "factbot",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "users.info":
            user = self.users.get(params.get("user", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": f"1700000000.{next(self._ts):06d}",
                    "message": {"text": params.get("text", "")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).removeprefix("U")}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "views.open":
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts):06d}"}}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        params = json.loads(await request.text())
        if self.rate_limited.get("response_url", 0) > 0:
            self.rate_limited["response_url"] -= 1
            self.rate_limit_hits.append("response_url")
            return web.Response(status=429, text="rate_limited", headers={"Retry-After": "0"})
        await self._record(Call("response_url", params, request.path, None, time.perf_counter()))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out (files_upload_v2's second step)."""
        file_id = request.match_info["file_id"]
        await self._record(Call("upload", {"file_id": file_id, "data": await request.read()}, request.path, None,
                                time.perf_counter()))
        return web.Response(text=f"OK - {len(self.uploads)}")

    @property
    def uploads(self) -> dict[str, bytes]:
        """The files uploaded so far: file id -> content."""
        return {c["file_id"]: c["data"] for c in self.called("upload")}

    # --- Socket Mode -------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "loopback"}})
        async with self._changed:
            self._changed.notify_all()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    async with self._changed:
                        self.socket_acks.append(ack)
                        self._changed.notify_all()
        finally:
            self._sockets.remove(ws)
            async with self._changed:
                self._changed.notify_all()
        return ws

    async def drop_connections(self) -> None:
        """Close every Socket Mode websocket from Slack's side, as a Slack restart or a network cut does."""
        for ws in list(self._sockets):
            await ws.close()
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: not self._sockets), 5.0)

    async def wait_connected(self, timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._sockets)), timeout)

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], envelope_id: str, *, retry_attempt: int | None = None
    ) -> dict[str, Any]:
        """Push one Socket Mode envelope to the app and wait for its acknowledgement."""
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": kind != "events_api"}
        if retry_attempt is not None:
            envelope.update(retry_attempt=retry_attempt, retry_reason="timeout")
        await self._sockets[0].send_json(envelope)
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: any(a.get("envelope_id") == envelope_id for a in self.socket_acks)), 5.0
            )
        return next(a for a in self.socket_acks if a.get("envelope_id") == envelope_id)
