"""Every HTTP response carries the security headers; a response's own headers win."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from src_dash.ui.http_headers import CSP, security_headers, with_security_headers


def _page(request):  # noqa: ANN001, ANN202
    return PlainTextResponse("ok")


def _framed(request):  # noqa: ANN001, ANN202
    return Response("x", headers={"x-frame-options": "SAMEORIGIN"})


def _client() -> TestClient:
    app = Starlette(routes=[Route("/", _page), Route("/framed", _framed)])
    return TestClient(with_security_headers(app))


def test_every_response_gets_them():
    for path in ("/", "/missing"):
        got = _client().get(path).headers
        assert got["content-security-policy"] == CSP
        assert "frame-ancestors 'none'" in got["content-security-policy"]
        assert got["x-frame-options"] == "DENY"
        assert got["x-content-type-options"] == "nosniff"
        assert got["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in got


def test_a_responses_own_header_is_kept_once():
    got = _client().get("/framed")
    assert got.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


def test_hsts_only_behind_tls():
    names = {n for n, _ in security_headers({"SRC_DASH_HTTPS": "1"})}
    assert b"strict-transport-security" in names
    assert b"strict-transport-security" not in {n for n, _ in security_headers({})}
