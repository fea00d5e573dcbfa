"""A company's look in its customers' spaces (SQLite and PostgreSQL): an admin sets an accent
colour and a logo (PNG, JPEG or a clean SVG, at most 200 KB, kept under the data dir with a
random name); bad logos are refused with nothing written; the logo is handed to a valid link of
that company and to an admin only."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_followup import World, audit_lines

from src_dash.access import AccessDenied
from src_dash.services.customer_space.brand import (
    MAX_LOGO_BYTES,
    brand_dir,
    company_brand,
    data_url,
    remove_logo,
    set_accent,
    set_logo,
    space_logo,
    staff_brand,
    staff_logo,
)
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.inputs import InvalidInput
from src_dash.store import Customer
from src_dash.store.space import SpaceBrand

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/>'
    b'</defs><rect width="10" height="10" fill="url(#g)"/></svg>'
)


def _company(world: World) -> int:
    c = Customer.__table__
    with world.engine.connect() as conn:
        return conn.execute(
            select(c.c.company_id).where(c.c.id == world.customer("GAMMA"))
        ).scalar()


def _access(world: World):  # noqa: ANN202
    issued = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    return resolve(world.engine, issued.token, "198.51.100.4").access


def test_an_admin_sets_the_colour_and_the_logo_the_space_shows(world: World, tmp_path):
    admin, company = world.users["admin"], _company(world)
    assert company_brand(world.engine, company) == company_brand(world.engine, company)
    assert not company_brand(world.engine, company).has_logo
    assert set_accent(world.engine, admin, company, "#1A4F8B").accent == "#1a4f8b"
    brand = set_logo(world.engine, admin, company, "logo.png", PNG, tmp_path)
    assert (brand.accent, brand.has_logo, brand.logo_type) == ("#1a4f8b", True, "image/png")
    [stored] = list(brand_dir(tmp_path).iterdir())
    assert stored.read_bytes() == PNG and stored.name != "logo.png"
    logo = space_logo(world.engine, _access(world), tmp_path)
    assert (logo.content_type, logo.data) == ("image/png", PNG)
    assert staff_logo(world.engine, admin, company, tmp_path) == logo
    assert staff_brand(world.engine, admin, company, tmp_path) == (brand, logo)
    assert data_url(logo).startswith("data:image/png;base64,iVBORw0KGgo") and data_url(None) == ""
    # A new logo replaces the old file; removing it deletes the file.
    set_logo(world.engine, admin, company, "logo.svg", SVG, tmp_path)
    [svg] = list(brand_dir(tmp_path).iterdir())
    assert svg.suffix == ".svg" and space_logo(world.engine, _access(world), tmp_path).data == SVG
    set_logo(world.engine, admin, company, "logo.jpeg", JPEG, tmp_path)
    assert space_logo(world.engine, _access(world), tmp_path).content_type == "image/jpeg"
    assert not remove_logo(world.engine, admin, company, tmp_path).has_logo
    assert list(brand_dir(tmp_path).iterdir()) == []
    assert space_logo(world.engine, _access(world), tmp_path) is None
    assert len(audit_lines(world.engine, "space.brand.logo")) == 3


BAD_LOGOS = [
    ("logo.png", b"", "empty"),
    ("logo.png", PNG + b"\x00" * MAX_LOGO_BYTES, "over"),
    ("logo.gif", b"GIF89a....", "only PNG"),
    ("logo.pdf", b"%PDF-1.4\n", "only PNG"),
    ("../logo.png", PNG, "plain name"),
    ("dir/logo.png", PNG, "plain name"),
    ("logo.svg", PNG, "does not match"),
    ("logo.png", SVG, "does not match"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
    ("logo.svg", b'<svg><image href="https://evil.example/x.png"/></svg>', "SVG"),
    ("logo.svg", b'<svg><a xlink:href="javascript:alert(1)"/></svg>', "SVG"),
    ("logo.svg", b"<svg><foreignObject><p>x</p></foreignObject></svg>", "SVG"),
    ("logo.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>', "SVG"),
    ("logo.svg", b"<svg><rect></svg>", "cannot be read"),
]


@pytest.mark.parametrize(("name", "data", "said"), BAD_LOGOS)
def test_bad_logos_are_refused_and_nothing_is_written(world: World, tmp_path, name, data, said):
    with pytest.raises(InvalidInput) as caught:
        set_logo(world.engine, world.users["admin"], _company(world), name, data, tmp_path)
    assert caught.value.field == "logo" and said in str(caught.value)
    assert not brand_dir(tmp_path).exists() or list(brand_dir(tmp_path).iterdir()) == []
    with world.engine.connect() as conn:
        assert conn.execute(select(SpaceBrand.__table__)).all() == []


@pytest.mark.parametrize("accent", ["red", "#12345", "#1234567", "<script>", "#gg0000"])
def test_a_colour_must_be_rrggbb(world: World, accent: str):
    with pytest.raises(InvalidInput):
        set_accent(world.engine, world.users["admin"], _company(world), accent)


@pytest.mark.parametrize("who", ["u1", "rep", "ro"])
def test_only_an_admin_sets_the_look_or_reads_the_logo_outside_a_space(world, tmp_path, who):
    company = _company(world)
    with pytest.raises(AccessDenied):
        set_accent(world.engine, world.users[who], company, "#000000")
    with pytest.raises(AccessDenied):
        set_logo(world.engine, world.users[who], company, "logo.png", PNG, tmp_path)
    with pytest.raises(AccessDenied):
        staff_logo(world.engine, world.users[who], company, tmp_path)
    with pytest.raises(AccessDenied):
        staff_brand(world.engine, world.users[who], company, tmp_path)
    with pytest.raises(InvalidInput):
        set_accent(world.engine, world.users["admin"], 10**6, "#000000")
