"""State of the settings tab "Espace client": the company chosen, its accent colour and its logo
(shown from the store through a `data:` address: no URL serves the file)."""

from __future__ import annotations

import reflex as rx

from src_dash.services.companies import list_companies
from src_dash.services.customer_space.brand import data_url as logo_data_url
from src_dash.services.customer_space.brand import (
    remove_logo,
    set_accent,
    set_logo,
    staff_brand,
)
from src_dash.services.inputs import InvalidInput
from src_dash.ui import i18n
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.common import TabState, call, change, read_all

UPLOAD_ID = "space-logo-upload"
# A refused logo, by what the check said (the services' messages are in English).
_LOGO_ERRORS = (("KB", "size"), ("only PNG", "type"), ("SVG", "svg"), ("match", "name"),
                ("plain name", "name"), ("empty", "empty"))  # fmt: skip


def brand_error(done: Done) -> str:
    """The words for a refused colour or logo, in the admin's language."""
    exc = done.exception
    if not isinstance(exc, InvalidInput) or exc.field not in ("logo", "accent"):
        return done.error
    key = "space.brand.err.accent"
    if exc.field == "logo":
        sub = next((k for marker, k in _LOGO_ERRORS if marker in str(exc)), "type")
        key = f"space.brand.err.{sub}"
    return i18n.text(key, done.lang)


class SpaceBrandState(TabState, rx.State):
    """A company's look in its customers' spaces, for the admin."""

    companies: list[list[str]] = []
    company_id: str = ""
    accent: str = ""
    logo: str = ""
    done: str = ""

    async def _read(self) -> None:
        found = await read_all(self, (list_companies,))
        if found is None:
            return
        (companies,) = found.value
        self.companies = [[str(c.id), f"{c.code} — {c.name}".strip(" —")] for c in companies]
        ids = [c[0] for c in self.companies]
        if self.company_id not in ids:
            self.company_id = ids[0] if ids else ""
        self.accent, self.logo = "", ""
        if self.company_id:
            done = await call(self, staff_brand, self.company_id)
            if not done.ok:
                self.error = done.error
            else:
                brand, logo = done.value
                self.accent, self.logo = brand.accent, logo_data_url(logo)
        self.loaded = True

    @rx.event
    async def set_company(self, value: str) -> None:
        """Show another company's look."""
        self.company_id, self.done, self.error = str(value), "", ""
        await self._read()

    @rx.event
    async def save_accent(self, form: dict) -> None:
        """Set the company's accent colour ("" for the app's own)."""
        self.done = ""
        done = await change(self, set_accent, self.company_id, form.get("accent", ""))
        if done.ok:
            self.done = i18n.text("space.brand.saved", done.lang)
        else:
            self.error = brand_error(done)

    @rx.event
    async def drop_logo(self, files: list[rx.UploadFile]) -> None:
        """Set the logo from the file the admin chose (checked by the service)."""
        self.done = ""
        if not files:
            return
        upload = files[0]
        data = await upload.read()
        done = await change(self, set_logo, self.company_id, upload.name or "", data)
        if done.ok:
            self.done = i18n.text("space.brand.saved", done.lang)
        else:
            self.error = brand_error(done)

    @rx.event
    async def remove(self) -> None:
        """Remove the company's logo."""
        self.done = ""
        done = await change(self, remove_logo, self.company_id)
        if done.ok:
            self.done = i18n.text("space.brand.removed", done.lang)
