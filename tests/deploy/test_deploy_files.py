"""The deployment past one machine (deploy/) says what the app does: nginx serves the static files
with the backend's own security headers and passes the socket's upgrade, the environment names
only variables the app reads, and the systemd units start what the Procfile starts."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from src_dash.ui.http_headers import security_headers

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _nginx_static_headers() -> dict[str, str]:
    text = (DEPLOY / "nginx" / "src-dash.conf").read_text()
    static = text[text.index("location / {") :]
    static = static[: static.index("location /assets/")]
    return {
        name.lower(): value
        for name, value in re.findall(r'add_header\s+(\S+)\s+"([^"]*)"\s+always;', static)
    }


def test_static_files_get_the_backends_security_headers() -> None:
    expected = {
        name.decode(): value.decode() for name, value in security_headers({"SRC_DASH_HTTPS": "1"})
    }
    assert _nginx_static_headers() == expected


def test_the_socket_is_proxied_with_its_upgrade_and_the_clients_address() -> None:
    text = (DEPLOY / "nginx" / "src-dash.conf").read_text()
    backend = text[text.index("location ~ ^/(_event") :]
    backend = backend[: backend.index("}")]
    for path in ("_event", "_upload", "ping"):
        assert path in backend.splitlines()[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in backend
    assert "proxy_set_header Connection $connection_upgrade;" in backend
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in backend
    assert re.search(r"ssl_certificate\s", text) and "return 301 https://" in text


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_the_environment_names_only_what_the_app_reads() -> None:
    env = _env_example()
    assert env["SRC_DASH_HTTPS"] == "1" and env["SRC_DASH_PROXY_HOPS"] == "1"
    assert env["REDIS_URL"].startswith("redis://")
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["SRC_DASH_PUBLIC_URL"].startswith("https://")
    sources = "\n".join(
        p.read_text() for p in [ROOT / "rxconfig.py", *(ROOT / "src_dash").rglob("*.py")]
    )
    reflex_own = {"REFLEX_BACKEND_ONLY", "GRANIAN_WORKERS", "REFLEX_TELEMETRY_ENABLED"}
    reflex_own.add("REFLEX_CHECK_LATEST_VERSION")
    for name in env:
        assert name in reflex_own or f'"{name}"' in sources, name


def test_the_units_run_the_procfiles_commands() -> None:
    procfile = dict(
        line.split(": ", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    units = {}
    for path in (DEPLOY / "systemd").glob("*.service"):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str
        unit.read_string(path.read_text())
        units[path.name] = unit
        assert unit["Service"]["EnvironmentFile"] == "/etc/src-dash/env"
    backend = units["src-dash-backend@.service"]["Service"]
    assert backend["Restart"] == "always"
    assert backend["ExecStart"].split("reflex ", 1)[1].replace("%i", "8001") == procfile[
        "backend"
    ].split("reflex ", 1)[1].replace("${PORT:-8001}", "8001")
    migrate = units["src-dash-migrate.service"]["Service"]["ExecStart"]
    assert migrate == "/opt/src-dash/" + procfile["release"]
    assert "src-dash-migrate.service" in units["src-dash-backend@.service"]["Unit"]["Requires"]
