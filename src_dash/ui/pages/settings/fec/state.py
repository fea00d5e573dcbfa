"""The FEC upload's state: the file dropped, its preview, its import."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash import clock
from src_dash.services.fec_upload import (
    DeletionsNotConfirmed,
    FecPreview,
    confirm_fec,
    discard_fec,
    preview_fec,
    upload_fec,
)
from src_dash.sources.fec import FecError
from src_dash.sync import SyncError
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.common import call
from src_dash.ui.pages.settings.fec.rows import PreviewView, imported_texts, preview_view

# What the FEC services raise besides the settings' refusals: a file that is not a valid FEC, an
# import refused (the deletions not confirmed among them).
_FEC_ERRORS: tuple[type[Exception], ...] = (FecError, SyncError)


def _said(done: Done) -> str:
    """The error of a FEC service: a file refused says so with the problem found, any other error
    in the settings' words."""
    if isinstance(done.exception, FecError):
        lang = done.lang
        return i18n.labelled(i18n.text("set.fec.refused", lang), str(done.exception), lang)
    return done.error


class FecState(rx.State):
    """The FEC upload: the company code, the preview of the kept file, the outcome."""

    fec_code: str = ""
    error: str = ""
    done: str = ""
    recon: str = ""
    recon_ok: bool = True
    reading: bool = False  # a file is being read (upload or a new preview)
    importing: bool = False

    has_preview: bool = False
    preview: PreviewView = PreviewView()
    company_name: str = ""
    confirm_deletions: bool = False
    _upload: str = ""  # the kept file (as the service named it), never sent to the browser
    _chosen: list[str] = []

    def _clear_preview(self) -> None:
        self.has_preview, self.preview, self._upload, self._chosen = False, PreviewView(), "", []
        self.confirm_deletions, self.company_name = False, ""

    def _show(self, preview: FecPreview, fmt: Formats, keep_name: bool = False) -> None:
        self._upload = preview.upload
        self._chosen = list(preview.outcome.not_customers)
        self.preview = preview_view(preview, fmt)
        if not keep_name:
            self.company_name = preview.company_name
        if not preview.deletions:
            self.confirm_deletions = False
        self.has_preview = True

    def _previewed(self, done: Done, keep_name: bool = False) -> None:
        """Show the preview a service made, or why it could not; the file is read then."""
        if done.ok:
            self._show(done.value, done.fmt, keep_name)
        else:
            self.error = _said(done)
        self.reading = False

    @rx.event
    def set_fec_code(self, value: str) -> None:
        """The company the next FEC file goes into."""
        self.fec_code = value

    @rx.event
    def set_company_name(self, value: str) -> None:
        """The name a new company gets."""
        self.company_name = value

    @rx.event
    def set_confirm_deletions(self, value: bool) -> None:
        """Accept (or not) that the import deletes entries the file no longer has."""
        self.confirm_deletions = bool(value)

    @rx.event
    async def drop_file(self, files: list[rx.UploadFile]):  # noqa: ANN201  (an event generator)
        """Keep the dropped file and show what importing it would do; nothing is imported."""
        # The upload's bytes are read here from the event's files; the services run by `call`.
        self.error = self.done = self.recon = ""
        if not files:
            return
        if self._upload:  # a new file replaces a preview left open
            gone = await call(self, discard_fec, self._upload)
            if not gone.ok:
                self.error = gone.error
                return
        self._clear_preview()
        upload = files[0]
        data = await upload.read()
        name = upload.name or "fec.txt"
        self.reading = True
        yield
        done = await call(
            self, upload_fec, self.fec_code, name, data, None, clock.today(), catch=_FEC_ERRORS
        )
        self._previewed(done)

    @rx.event
    async def toggle_account(self, key: str, checked: bool):  # noqa: ANN201
        """Mark an account "not a customer" (or not) and run the preview again."""
        if not self._upload:
            return
        chosen = set(self._chosen)
        if checked:
            chosen.add(key)
        else:
            chosen.discard(key)
        accounts = [dataclasses.replace(a, chosen=a.key in chosen) for a in self.preview.accounts]
        self.preview = dataclasses.replace(self.preview, accounts=accounts)
        self.error, self.reading = "", True
        yield
        done = await call(
            self, preview_fec, self._upload, chosen, None, clock.today(), catch=_FEC_ERRORS
        )
        self._previewed(done, keep_name=True)

    @rx.event
    async def confirm(self):  # noqa: ANN201
        """Import the kept file with the choices made, then show the reconciliation."""
        if not self._upload:
            return
        if self.preview.deletions and not self.confirm_deletions:
            lang = (await current_formats(self)).lang
            self.error = i18n.text("set.fec.deletions_needed", lang)
            return
        self.error, self.importing = "", True
        yield
        done = await call(
            self,
            confirm_fec,
            self._upload,
            list(self._chosen),
            self.confirm_deletions,
            self.company_name,
            None,
            clock.today(),
            catch=_FEC_ERRORS,
        )
        if done.ok:
            await self._imported(done)
        else:
            self.error = _said(done)
        if isinstance(done.exception, DeletionsNotConfirmed):
            # The store changed since the preview: show the new figures and ask again.
            deleted = done.exception.outcome.changes.deleted
            self.preview = dataclasses.replace(self.preview, deletions=deleted)
            self.confirm_deletions = False
        self.importing = False

    async def _imported(self, done: Done) -> None:
        """Say what the import did, forget the preview and read the companies again."""
        self.done, self.recon, self.recon_ok = imported_texts(done.value, done.fmt)
        self.fec_code = done.value.outcome.company
        self._clear_preview()
        from src_dash.ui.pages.settings.companies.state import CompaniesState

        companies = await self.get_state(CompaniesState)
        await companies._read()

    @rx.event
    async def cancel(self) -> None:
        """Close the preview and forget the kept file; nothing is imported."""
        if self._upload:
            gone = await call(self, discard_fec, self._upload)
            if not gone.ok:
                self.error = gone.error
                return
        lang = (await current_formats(self)).lang
        self._clear_preview()
        self.error, self.done, self.recon = "", i18n.text("set.fec.cancelled", lang), ""
