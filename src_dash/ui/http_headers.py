"""Security headers on every HTTP response of the app (pages, API, uploads, downloads).

An ASGI middleware given to `rx.App(api_transformer=...)`: in production the compiled pages are
served by the same app, so they get the headers too. What it sets:

- `Content-Security-Policy`: no framing by another site (`frame-ancestors 'none'`), no plugin
  (`object-src 'none'`), no `<base>` or form pointing elsewhere (`base-uri`, `form-action`
  'self'). Scripts and styles are not restricted further: Reflex's compiled pages inline their
  boot script and Emotion writes inline styles, so a `script-src` without 'unsafe-inline' would
  break the app; the rest of the policy does not depend on it.
- `X-Frame-Options: DENY` (older browsers' anti-framing), `X-Content-Type-Options: nosniff`,
  `Referrer-Policy: same-origin`, `Cross-Origin-Opener-Policy: same-origin`, a
  `Permissions-Policy` that turns off camera, microphone, geolocation and payment.
- `Strict-Transport-Security` only when `SRC_DASH_HTTPS=1` says the app is served over TLS (by
  a reverse proxy): sent over plain HTTP it would lock users out of a non-TLS install.

Headers the response already has are kept (a download's own Content-Type and disposition).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(env: dict[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    """The headers every response gets (HSTS only behind TLS: `SRC_DASH_HTTPS=1`)."""
    env = os.environ if env is None else env
    headers = [
        ("content-security-policy", CSP),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if env.get("SRC_DASH_HTTPS", "").strip().lower() in {"1", "true", "yes", "on"}:
        headers.append(("strict-transport-security", HSTS))
    return [(name.encode(), value.encode()) for name, value in headers]


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """`app`, its HTTP responses carrying `security_headers()` (websockets pass as they are)."""
    added = security_headers()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in added if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
