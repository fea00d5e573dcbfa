"""The upload endpoint answers 403 to anyone but an admin and 413 to an oversized body, before
the app reads a byte of it; other paths pass untouched."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from src_dash.ui.upload_guard import guard_uploads

READ: list[int] = []


async def _upload(request: Request) -> PlainTextResponse:
    body = await request.body()
    READ.append(len(body))
    return PlainTextResponse(f"read {len(body)}")


async def _admins_only(client_token: str) -> bool:
    if client_token == "boom":
        raise RuntimeError("state store down")
    return client_token == "admin-tab"


def _client(max_bytes: int = 1000) -> TestClient:
    app = Starlette(routes=[Route("/_upload", _upload, methods=["POST"]), Route("/ping", _upload)])
    return TestClient(guard_uploads(app, _admins_only, max_bytes), raise_server_exceptions=False)


def _post(client: TestClient, token: str | None, body: bytes):  # noqa: ANN202
    headers = {"reflex-client-token": token} if token else {}
    return client.post("/_upload", content=body, headers=headers)


def test_anonymous_or_not_admin_is_refused_unread():
    READ.clear()
    for token in (None, "", "collector-tab", "boom"):
        answer = _post(_client(), token, b"x" * 500)
        assert answer.status_code == 403
    assert READ == []


def test_an_admin_uploads_within_the_cap():
    READ.clear()
    answer = _post(_client(), "admin-tab", b"x" * 1000)
    assert answer.status_code == 200 and answer.text == "read 1000"


def test_a_declared_oversize_is_refused_unread():
    READ.clear()
    answer = _post(_client(), "admin-tab", b"x" * 1001)
    assert answer.status_code == 413 and READ == []


def test_a_body_longer_than_it_said_is_cut_off():
    READ.clear()

    def chunks():  # noqa: ANN202  (no Content-Length: chunked)
        for _ in range(5):
            yield b"x" * 400

    answer = _client().post(
        "/_upload", content=chunks(), headers={"reflex-client-token": "admin-tab"}
    )
    assert answer.status_code != 200 and READ == []


def test_other_paths_pass():
    assert _client().get("/ping").status_code == 200
