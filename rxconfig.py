"""Reflex configuration of src_dash; every value can be set from the environment."""

import os

import reflex as rx

from src_dash.config import load_settings
from src_dash.store.engine import normalise_url

# The address the app listens on: the loopback only, so a demo with its published passwords stays
# on the machine that runs it (Reflex's default is 0.0.0.0); SRC_DASH_HOST=0.0.0.0 (or an
# interface's address) opens it up.
HOST = os.environ.get("SRC_DASH_HOST", "127.0.0.1")
# In dev (`reflex run`, hot reload) Reflex serves the frontend with `react-router dev --host`,
# every interface; given an address, the dev server binds only there.
rx.constants.PackageJson.Commands.DEV = f"react-router dev --host {HOST}"
PORT = int(os.environ.get("SRC_DASH_PORT", "3000"))
# The customer's space sends a chosen file (5 MB at most, base64 in the event: a third more)
# over the socket, whose messages Reflex caps at 1 MB by default: 8 MiB lets one through.
SOCKET_BUFFER = 8 * 1024 * 1024
os.environ.setdefault("REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE", str(SOCKET_BUFFER))


def allowed_origins(env: dict[str, str], port: int) -> tuple[str, ...]:
    """The origins whose pages may call the app (CORS and the socket's origin check): those of
    `SRC_DASH_CORS_ORIGINS` (comma-separated), else the origin of `SRC_DASH_PUBLIC_URL` and this
    machine's own at the app's port; with neither set, any origin (Reflex's default: the session
    token lives in the page's storage, never in a cookie a foreign page could send)."""
    listed = [o.strip().rstrip("/") for o in env.get("SRC_DASH_CORS_ORIGINS", "").split(",")]
    public = env.get("SRC_DASH_PUBLIC_URL", "").strip()
    if public:
        scheme, _, rest = public.partition("://")
        listed.append(f"{scheme}://{rest.split('/')[0]}")
        listed += [f"http://{host}:{port}" for host in ("localhost", "127.0.0.1")]
    return tuple(dict.fromkeys(o for o in listed if o)) or ("*",)


config = rx.Config(
    app_name="src_dash",
    # The store: DATABASE_URL, else data/src_dash.db (absolute path) under SRC_DASH_DATA_DIR.
    db_url=normalise_url(load_settings().database_url),
    telemetry_enabled=False,
    # `reflex run --env prod` serves the frontend and the backend on this one port; in dev the
    # backend takes REFLEX_BACKEND_PORT (8000 by default). Setting both here would make prod
    # refuse to start, so only the frontend port is set.
    # A backend alone (`REFLEX_BACKEND_ONLY=1 reflex run --env prod --backend-port N`, one of
    # several workers behind a proxy, see deploy/) takes no frontend port: Reflex refuses one.
    frontend_port=None
    if os.environ.get("REFLEX_BACKEND_ONLY", "").lower() in ("1", "true")
    else PORT,
    # In prod the one port, in dev the backend's: on HOST only.
    backend_host=HOST,
    cors_allowed_origins=allowed_origins(dict(os.environ), PORT),
    # Behind N reverse proxies, the client's address (login throttling, audit) is the N-th from
    # the end of X-Forwarded-For; 0 (direct): the connection's own address, the header ignored.
    # Past one machine: the state of every client in Redis (REDIS_URL, or Reflex's own
    # REFLEX_REDIS_URL), so several backend workers and machines serve the same clients.
    redis_url=os.environ.get("REDIS_URL") or None,
    trusted_proxy_hops=int(os.environ.get("SRC_DASH_PROXY_HOPS", "0")),
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                appearance="light", accent_color="indigo", gray_color="slate", radius="medium"
            )
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # A self-hosted back-office tool: no sticky badge over the figures on a phone.
    show_built_with_reflex=False,
)
