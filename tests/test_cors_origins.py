"""CORS and the socket's origin check follow the configured public address."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rxconfig", ROOT / "rxconfig.py")
_rxconfig = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rxconfig)
allowed_origins = _rxconfig.allowed_origins


def test_without_a_public_address_any_origin():
    assert allowed_origins({}, 3000) == ("*",)


def test_the_public_address_and_this_machine_only():
    env = {"SRC_DASH_PUBLIC_URL": "https://recouvrement.example.fr/espace"}
    assert allowed_origins(env, 8080) == (
        "https://recouvrement.example.fr",
        "http://localhost:8080",
        "http://127.0.0.1:8080",
    )


def test_a_list_wins_and_is_cleaned():
    env = {"SRC_DASH_CORS_ORIGINS": "https://a.fr, https://b.fr/ ,", "SRC_DASH_PUBLIC_URL": ""}
    assert allowed_origins(env, 3000) == ("https://a.fr", "https://b.fr")


def test_the_app_config_takes_them_from_the_environment():
    env = {**os.environ, "SRC_DASH_PUBLIC_URL": "https://x.example.fr", "SRC_DASH_PORT": "3100"}
    out = subprocess.run(
        [sys.executable, "-c", "import rxconfig; print(rxconfig.config.cors_allowed_origins)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "https://x.example.fr" in out and "http://127.0.0.1:3100" in out and "*" not in out
