"""The guard in front of Reflex's upload endpoint (`/_upload`): the viewer first, then the size.

Reflex reads an upload's whole body before the event handler (and so the viewer check) runs: an
anonymous client could make the server read hundreds of megabytes. This ASGI middleware, given to
`rx.App(api_transformer=...)`, answers before reading anything:

- 403 unless the client's session belongs to a signed-in admin (the only uploads are the admin's
  FEC files): the Reflex client token in the request's headers names the browser tab's state,
  whose `AuthState.token` is checked in the store like every event's;
- 413 when the declared size is over `max_bytes` (the FEC upload's own limit plus the form's
  overhead); a body that grows past it while read (no or a false Content-Length) is cut off, the
  upload then failing as if the client had gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from src_dash.services.fec_upload import MAX_FEC_BYTES
from src_dash.ui.http_headers import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATH = "/_upload"
# The form's boundaries and headers around the file.
MAX_UPLOAD_BYTES = MAX_FEC_BYTES + 1024 * 1024
logger = logging.getLogger(__name__)

# Whether the Reflex client token (a browser tab) belongs to a signed-in admin.
MayUpload = Callable[[str], Awaitable[bool]]


async def _respond(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def guard_uploads(
    app: ASGIApp, may_upload: MayUpload, max_bytes: int = MAX_UPLOAD_BYTES
) -> ASGIApp:
    """`app`, its upload endpoint refusing anyone but an admin and any body over `max_bytes`."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").endswith(UPLOAD_PATH):
            await app(scope, receive, send)
            return
        client = _header(scope, b"reflex-client-token")
        try:
            allowed = bool(client) and await may_upload(client)
        except Exception:  # noqa: BLE001  (refuse, never let an unchecked upload through)
            logger.exception("could not check the viewer of an upload")
            allowed = False
        if not allowed:
            await _respond(send, 403, "sign in as an admin to upload")
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > max_bytes:
            await _respond(send, 413, f"larger than {max_bytes // (1024 * 1024)} MB")
            return
        read = 0

        async def capped() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > max_bytes:
                    return {"type": "http.disconnect"}
            return message

        await app(scope, capped, send)

    return guarded


def admin_tab(app_getter: Callable[[], object]) -> MayUpload:
    """The check of a Reflex client token against the app's states: its tab's session token
    belongs to an active admin (read in the store on a worker thread)."""

    async def may_upload(client_token: str) -> bool:
        from reflex.state import _substate_key

        from src_dash.services.auth import viewer_for_token
        from src_dash.store.engine import get_engine
        from src_dash.ui.auth import AuthState

        manager = app_getter().state_manager  # type: ignore[attr-defined]
        root = await manager.get_state(_substate_key(client_token, AuthState))
        session_token = (await root.get_state(AuthState)).token
        if not session_token:
            return False
        who = await asyncio.to_thread(viewer_for_token, get_engine(), session_token)
        return who is not None and who.is_admin

    return may_upload
