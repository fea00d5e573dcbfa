"""The running app's HTTP answers: security headers on the backend's responses, the upload
endpoint closed to a client that is not an admin's tab (before reading the body)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from reflex.config import get_config

pytestmark = pytest.mark.e2e


def _backend(app) -> str:  # noqa: ANN001  (the harness; started by the fixture)
    return get_config().api_url.rstrip("/")


def test_the_backend_answers_with_the_security_headers(app) -> None:
    with urllib.request.urlopen(_backend(app) + "/ping", timeout=10) as answer:
        headers = answer.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("token", ["", "not-a-tab-of-this-app"])
def test_an_upload_without_an_admins_tab_is_refused(app, token: str) -> None:
    body = b"x" * 1024  # (unread: the unit tests show it with large bodies)
    request = urllib.request.Request(
        _backend(app) + "/_upload",
        data=body,
        method="POST",
        headers={
            "reflex-client-token": token,
            "reflex-event-handler": "x.y",
            "content-type": "multipart/form-data; boundary=zz",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
