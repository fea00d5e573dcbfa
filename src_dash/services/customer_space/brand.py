"""Each company's look in its customers' spaces: an accent colour and a logo.

An admin sets them (`set_accent`, `set_logo`, `remove_logo`); the logo is checked (PNG, JPEG or
SVG by its content, at most `MAX_LOGO_BYTES`; an SVG with script, event handlers, external
references or embedded HTML is refused) and kept under the data dir with a random name, like the
space's attachments: the web server never serves it. It is handed out only by `space_logo`, to a
`SpaceAccess` (a valid link, for that link's company), and by `staff_logo`, to an admin.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.services.customer_space.links import SpaceAccess
from src_dash.services.inputs import InvalidInput
from src_dash.store import Company
from src_dash.store.space import SpaceBrand

MAX_LOGO_BYTES = 200 * 1024
_ACCENT = re.compile(r"#[0-9a-fA-F]{6}")
_RASTER = ((b"\x89PNG\r\n\x1a\n", "image/png", ".png"), (b"\xff\xd8\xff", "image/jpeg", ".jpg"))
_SUFFIXES = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg"), "image/svg+xml": (".svg",)}
# What an SVG logo may not hold: script, handlers, links out, embedded documents or styles.
_SVG_FORBIDDEN = re.compile(
    rb"<\s*(script|foreignObject|iframe|object|embed|style)\b|\bon[a-z]+\s*=|javascript:"
    rb"|<!ENTITY|<!DOCTYPE|(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Brand:
    """A company's look in the space ("" accent: the app's own; no logo: none)."""

    company_id: int
    accent: str
    has_logo: bool
    logo_type: str


@dataclass(frozen=True)
class Logo:
    """A logo's bytes and type."""

    content_type: str
    data: bytes


def brand_dir(data_dir: Path | None = None) -> Path:
    """Where the logos are kept (under the data dir, never served)."""
    return (data_dir or load_settings().data_dir) / "space-brand"


def accent_field(value: object) -> str:
    """An accent colour "#rrggbb" (lower case), or "" for the app's own.

    Raises:
        InvalidInput: "accent", anything else.
    """
    text = str(value or "").strip()
    if text and not _ACCENT.fullmatch(text):
        raise InvalidInput("accent", "use a colour like #1a4f8b")
    return text.lower()


def _svg(data: bytes) -> bool:
    """Whether the bytes are an SVG document free of anything active."""
    head = data[:1024].lstrip().lower()
    if not (head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096])):
        return False
    if _SVG_FORBIDDEN.search(data):
        raise InvalidInput("logo", "an SVG logo may not hold scripts, links or embedded content")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise InvalidInput("logo", "the SVG file cannot be read") from exc
    if not root.tag.endswith("svg"):
        raise InvalidInput("logo", "the SVG file cannot be read")
    return True


def check_logo(name: object, data: object) -> tuple[str, str]:
    """Check a logo an admin sent: its type and suffix.

    Raises:
        InvalidInput: "logo", for a name with a path, an empty or oversized file, content that
            is not a PNG, a JPEG or a clean SVG, or a name that does not match the content.
    """
    name = str(name or "").strip()
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput("logo", "no file")
    data = bytes(data)
    if not name or len(name) > 120 or any(ch in name for ch in "/\\\x00:") or ".." in name:
        raise InvalidInput("logo", "the file name must be a plain name (no path)")
    if not data:
        raise InvalidInput("logo", "the file is empty")
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput("logo", f"the logo is over {MAX_LOGO_BYTES // 1024} KB")
    found = next(((t, s) for magic, t, s in _RASTER if data.startswith(magic)), None)
    if found is None and _svg(data):
        found = ("image/svg+xml", ".svg")
    if found is None:
        raise InvalidInput("logo", "only PNG, JPEG and SVG logos are accepted")
    if not name.lower().endswith(_SUFFIXES[found[0]]):
        raise InvalidInput("logo", "the file's name does not match its content")
    return found


def _row(conn: Connection, company_id: int):  # noqa: ANN202
    b = SpaceBrand.__table__
    return conn.execute(select(b).where(b.c.company_id == company_id)).first()


def _company(conn: Connection, company_id: object) -> int:
    try:
        company_id = int(company_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("company", "unknown company") from None
    c = Company.__table__
    if conn.execute(select(c.c.id).where(c.c.id == company_id)).scalar() is None:
        raise InvalidInput("company", "unknown company")
    return company_id


def _save(conn: Connection, who: Viewer, company_id: int, **values: object) -> None:
    b = SpaceBrand.__table__
    values = {**values, "updated_by": who.user_id, "updated_at": utcnow()}
    if _row(conn, company_id) is None:
        base = {"accent": "", "logo_name": "", "logo_type": ""}
        conn.execute(b.insert().values(company_id=company_id, **{**base, **values}))
    else:
        conn.execute(b.update().where(b.c.company_id == company_id).values(**values))


def _view(company_id: int, row) -> Brand:  # noqa: ANN001
    if row is None:
        return Brand(company_id, "", False, "")
    return Brand(company_id, row.accent, bool(row.logo_name), row.logo_type)


def company_brand(engine: Engine, company_id: int) -> Brand:
    """A company's look (its defaults when none was set)."""
    with engine.connect() as conn:
        return _view(company_id, _row(conn, company_id))


def set_accent(engine: Engine, who: Viewer, company_id: object, accent: object) -> Brand:
    """Set a company's accent colour ("" for the app's own).

    Raises:
        AccessDenied: anyone but an admin.
        InvalidInput: an unknown company, a colour that is not "#rrggbb".
    """
    require(who, ADMIN)
    accent = accent_field(accent)
    with engine.begin() as conn:
        company_id = _company(conn, company_id)
        _save(conn, who, company_id, accent=accent)
        audit(conn, who, "space.brand.accent", "company", company_id, accent=accent)
        return _view(company_id, _row(conn, company_id))


def _drop(name: str, data_dir: Path | None) -> None:
    if name:
        (brand_dir(data_dir) / name).unlink(missing_ok=True)


def set_logo(
    engine: Engine,
    who: Viewer,
    company_id: object,
    name: object,
    data: object,
    data_dir: Path | None = None,
) -> Brand:
    """Set a company's logo (the previous one's file is deleted).

    Raises:
        AccessDenied: anyone but an admin.
        InvalidInput: an unknown company, a file refused by `check_logo`; nothing is written.
    """
    require(who, ADMIN)
    content_type, suffix = check_logo(name, data)
    folder = brand_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}{suffix}"
    with engine.begin() as conn:
        company_id = _company(conn, company_id)
        before = _row(conn, company_id)
        with (folder / stored).open("xb") as out:
            out.write(bytes(data))  # type: ignore[arg-type]
        _save(conn, who, company_id, logo_name=stored, logo_type=content_type)
        audit(conn, who, "space.brand.logo", "company", company_id, type=content_type,
              size=len(data))  # type: ignore[arg-type]  # fmt: skip
        brand = _view(company_id, _row(conn, company_id))
    if before is not None:
        _drop(before.logo_name, data_dir)
    return brand


def remove_logo(engine: Engine, who: Viewer, company_id: object, data_dir: Path | None = None):  # noqa: ANN201
    """Remove a company's logo (its file is deleted); the company's look.

    Raises:
        AccessDenied: anyone but an admin.
        InvalidInput: an unknown company.
    """
    require(who, ADMIN)
    with engine.begin() as conn:
        company_id = _company(conn, company_id)
        before = _row(conn, company_id)
        if before is None or not before.logo_name:
            return _view(company_id, before)
        _save(conn, who, company_id, logo_name="", logo_type="")
        audit(conn, who, "space.brand.logo_removed", "company", company_id)
        brand = _view(company_id, _row(conn, company_id))
    _drop(before.logo_name, data_dir)
    return brand


def _read(engine: Engine, company_id: int, data_dir: Path | None) -> Logo | None:
    with engine.connect() as conn:
        row = _row(conn, company_id)
    if row is None or not row.logo_name:
        return None
    path = brand_dir(data_dir) / row.logo_name
    if not path.is_file():
        return None
    return Logo(row.logo_type, path.read_bytes())


def space_logo(engine: Engine, access: SpaceAccess, data_dir: Path | None = None) -> Logo | None:
    """The logo of the company a valid link opens (None when it has none)."""
    return _read(engine, access.company_id, data_dir)


def staff_logo(
    engine: Engine, who: Viewer, company_id: int, data_dir: Path | None = None
) -> Logo | None:
    """A company's logo, for the admin's settings.

    Raises:
        AccessDenied: anyone but an admin.
    """
    require(who, ADMIN)
    return _read(engine, int(company_id), data_dir)


def staff_brand(
    engine: Engine, who: Viewer, company_id: object, data_dir: Path | None = None
) -> tuple[Brand, Logo | None]:
    """A company's look and its logo, for the admin's settings.

    Raises:
        AccessDenied: anyone but an admin.
        InvalidInput: an unknown company.
    """
    require(who, ADMIN)
    with engine.connect() as conn:
        company_id = _company(conn, company_id)
    return company_brand(engine, company_id), _read(engine, company_id, data_dir)


def data_url(logo: Logo | None) -> str:
    """A logo as a `data:` address for an image (the page holds it: no URL serves the file),
    "" for none."""
    if logo is None:
        return ""
    return f"data:{logo.content_type};base64,{base64.b64encode(logo.data).decode('ascii')}"
