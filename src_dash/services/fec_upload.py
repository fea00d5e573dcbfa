"""A FEC file uploaded in the settings: kept, previewed, then imported with the admin's choices.

`upload_fec` keeps the file under `<data dir>/fec-imports/<code>/<time>/` (never in the public
upload folder) and returns the dry run of its import: what the file holds, what is left out and
why, the warnings, the accounts that look like cash-receipt buckets, and what the import would
change. `preview_fec` runs the dry run again with the accounts the admin marked "not a customer";
`confirm_fec` imports the kept file with those choices (kept for the company's next imports) and
the confirmation of the deletions, then records the reconciliation; `discard_fec` forgets a file
that was not imported. Every call is the admin's alone (`AccessDenied` otherwise).
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.services.admin import SettingsError
from src_dash.services.companies import RunView, company_code, last_run
from src_dash.services.fec_import import (
    DeletionsNotConfirmed,
    ImportOutcome,
    import_fec_file,
    kept_not_customers,
)
from src_dash.services.reconcile import Reconciliation, record_after_runs
from src_dash.sources.fec import read_fec
from src_dash.store import Company

__all__ = [
    "MAX_FEC_BYTES",
    "AccountChoice",
    "DeletionsNotConfirmed",
    "FecImported",
    "FecPreview",
    "confirm_fec",
    "discard_fec",
    "import_fec_upload",
    "preview_fec",
    "upload_fec",
]

MAX_FEC_BYTES = 200 * 1024 * 1024
# A kept file waits for its confirmation with this marker beside it; files never confirmed nor
# cancelled (a closed tab) are removed after a day.
PENDING = ".pending"
PENDING_FOR = 24 * 3600
_STAMP = re.compile(r"\d{8}T\d{12}")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountChoice:
    """An account the admin may mark "not a customer".

    Attributes:
        key: The customer key (auxiliary account, or detailed 411 account).
        name: Its name in the file.
        balance: Debit - credit of its lines in the file.
        suspect: Its name says it collects cash receipts (RECETTE CB, CAISSE, ...).
        kept: It is kept as not a customer for the company (left out of its imports).
        chosen: It is left out of this preview.
    """

    key: str
    name: str
    balance: Decimal
    suspect: bool
    kept: bool
    chosen: bool


@dataclass(frozen=True)
class FecPreview:
    """What importing an uploaded file would do; nothing is written yet.

    Attributes:
        upload: The kept file, relative to the upload folder: what `confirm_fec` takes.
        company: The company code the file goes into.
        new_company: True when the company does not exist yet.
        company_name: The name the company has, or would get (the file's, for a new one).
        outcome: The dry run of the import with the accounts chosen.
        accounts: The suspect accounts and those chosen, by key.
    """

    upload: str
    company: str
    new_company: bool
    company_name: str
    outcome: ImportOutcome
    accounts: tuple[AccountChoice, ...]

    @property
    def deletions(self) -> int:
        """Entries already imported that the import would delete (they need a confirmation)."""
        return self.outcome.changes.deleted


@dataclass(frozen=True)
class FecImported:
    """A confirmed import: its run, the file's report, and the reconciliation that followed.

    Attributes:
        run: The run that wrote the file.
        outcome: The file's report.
        reconciliation: The company's reconciliation recorded with the run.
    """

    run: RunView
    outcome: ImportOutcome
    reconciliation: Reconciliation | None


def _root(folder: Path | None) -> Path:
    return folder or load_settings().data_dir / "fec-imports"


def _safe_filename(name: str) -> str:
    base = Path(str(name or "").replace("\\", "/")).name.strip()
    base = re.sub(r"[^A-Za-z0-9._\-]", "_", base)[:120].lstrip(".")
    return base or "fec.txt"


def _company(engine: Engine, code: str) -> tuple[str | None, str]:
    """(source kind, name) of a company, or (None, "") when it does not exist."""
    co = Company.__table__
    with engine.connect() as conn:
        row = conn.execute(select(co.c.source_kind, co.c.name).where(co.c.code == code)).first()
    return (None, "") if row is None else (row.source_kind, row.name or "")


def _fec_company(engine: Engine, code: str) -> tuple[bool, str]:
    """(new, name) of the company a FEC file goes into; a Sage company is refused."""
    kind, name = _company(engine, code)
    if kind is not None and kind != "fec":
        raise SettingsError(
            "company", f"{code} is fed by a Sage base; FEC files go to FEC companies"
        )
    return kind is None, name


def _kept_file(upload: str, folder: Path | None) -> tuple[str, Path]:
    """(company code, path) of a file kept by `upload_fec`, named as it returned it.

    Raises:
        SettingsError: the name is not one `upload_fec` gives, or the file is gone.
    """
    parts = str(upload or "").split("/")
    if len(parts) != 3 or not _STAMP.fullmatch(parts[1]) or parts[2] != _safe_filename(parts[2]):
        raise SettingsError("file", "unknown upload")
    code = company_code(parts[0])
    root = _root(folder)
    path = root / code / parts[1] / parts[2]
    if not path.resolve().is_relative_to(root.resolve()) or not path.is_file():
        raise SettingsError("file", "the uploaded file is no longer there; upload it again")
    return code, path


def _sweep(root: Path) -> None:
    """Remove the kept files that waited more than a day for a confirmation."""
    limit = time.time() - PENDING_FOR
    for marker in root.glob(f"*/*/{PENDING}"):
        try:
            if marker.stat().st_mtime < limit:
                shutil.rmtree(marker.parent, ignore_errors=True)
        except OSError:
            continue


def _choices(
    path: Path,
    outcome: ImportOutcome,
    kept: set[str],
    terms_days: int,
) -> tuple[AccountChoice, ...]:
    """The suspect accounts of the file and those left out, with their names and balances."""
    chosen = set(outcome.not_customers)
    if chosen:
        # The accounts left out are not in the dry run's figures: read the file whole for them.
        whole = read_fec(path, terms_days=terms_days)
        names = {c.key: c.name for c in whole.customers}
        balances, suspects = whole.customer_balances, set(whole.suspect_customers)
    else:
        names, balances = outcome.suspect_names, outcome.customer_balances
        suspects = set(outcome.suspect_customers)
    keys = sorted(suspects | (chosen & set(names)))
    return tuple(
        AccountChoice(
            key=k,
            name=names.get(k, "") or k,
            balance=balances.get(k, Decimal("0.00")),
            suspect=k in suspects,
            kept=k in kept,
            chosen=k in chosen,
        )
        for k in keys
    )


def _preview(
    engine: Engine,
    code: str,
    upload: str,
    path: Path,
    not_customers: frozenset[str] | None,
    as_of: date | None,
    terms_days: int,
) -> FecPreview:
    new, name = _fec_company(engine, code)
    kept = set(kept_not_customers(engine, code))
    chosen = frozenset(kept) if not_customers is None else not_customers
    outcome = import_fec_file(
        engine,
        path,
        code,
        terms_days,
        as_of=as_of,
        dry_run=True,
        not_customers=chosen,
        with_kept=False,
    )
    return FecPreview(
        upload=upload,
        company=code,
        new_company=new,
        company_name=name or outcome.company_name,
        outcome=outcome,
        accounts=_choices(path, outcome, kept, terms_days),
    )


def upload_fec(
    engine: Engine,
    who: Viewer | None,
    company_code_value: str,
    filename: str,
    data: bytes,
    folder: Path | None = None,
    as_of: date | None = None,
    terms_days: int = 30,
) -> FecPreview:
    """Keep an uploaded FEC file and say what importing it would do; nothing is imported.

    The accounts kept as not customers for the company are left out, as the import will.

    Args:
        engine: the store.
        who: the viewer (an admin).
        company_code_value: the company the file goes into (created by the import when new).
        filename: the file's name as uploaded (only its safe last part is kept).
        data: the file's bytes.
        folder: where files are kept (default `<data dir>/fec-imports`).
        as_of: the day promises are judged on.
        terms_days: payment terms for files without due dates.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad company code, an empty or too large file, or a Sage company.
        FecError: the file is not a valid FEC; its message names the file, line and column. The
            file is not kept.
    """
    require(who, ADMIN)
    code = company_code(company_code_value)
    if not data:
        raise SettingsError("file", "the file is empty")
    if len(data) > MAX_FEC_BYTES:
        raise SettingsError("file", f"larger than {MAX_FEC_BYTES // (1024 * 1024)} MB")
    _fec_company(engine, code)
    root = _root(folder)
    _sweep(root)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    target_dir = root / code / stamp
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / _safe_filename(filename)
    target.write_bytes(data)
    (target_dir / PENDING).touch()
    try:
        return _preview(
            engine, code, f"{code}/{stamp}/{target.name}", target, None, as_of, terms_days
        )
    except Exception:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise


def preview_fec(
    engine: Engine,
    who: Viewer | None,
    upload: str,
    not_customers: frozenset[str] | set[str] | list[str],
    folder: Path | None = None,
    as_of: date | None = None,
    terms_days: int = 30,
) -> FecPreview:
    """The dry run of a kept file again, with the accounts now marked "not a customer".

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: the upload is unknown or gone, or its company is now a Sage one.
        FecError: the file is not a valid FEC.
    """
    require(who, ADMIN)
    code, path = _kept_file(upload, folder)
    chosen = frozenset(k.strip() for k in not_customers if k and k.strip())
    return _preview(engine, code, upload, path, chosen, as_of, terms_days)


def confirm_fec(
    engine: Engine,
    who: Viewer | None,
    upload: str,
    not_customers: frozenset[str] | set[str] | list[str],
    confirm_deletions: bool = False,
    company_name: str = "",
    folder: Path | None = None,
    as_of: date | None = None,
    terms_days: int = 30,
) -> FecImported:
    """Import a kept file with the admin's choices, then reconcile the company.

    `not_customers` is the whole choice: it replaces what was kept for the company and is kept
    for its next imports. The file becomes the company's source ("sync now" imports it again).

    Args:
        engine: the store.
        who: the viewer (an admin).
        upload: the kept file, as `upload_fec` named it.
        not_customers: the accounts to leave out as not customers.
        confirm_deletions: accept deleting entries already imported that the file lacks.
        company_name: the name of a new company (default: the file's).
        folder: where files are kept (default `<data dir>/fec-imports`).
        as_of: the day promises are judged on.
        terms_days: payment terms for files without due dates.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: the upload is unknown or gone, or the company is a Sage one.
        DeletionsNotConfirmed: the import would delete entries and that was not confirmed;
            nothing is written.
        FecError: the file is not a valid FEC; nothing is written.
        SyncError: the write failed (nothing written).
    """
    require(who, ADMIN)
    code, path = _kept_file(upload, folder)
    new, _ = _fec_company(engine, code)
    chosen = frozenset(k.strip() for k in not_customers if k and k.strip())
    outcome = import_fec_file(
        engine,
        path,
        code,
        terms_days,
        as_of=as_of,
        confirm_deletions=confirm_deletions,
        not_customers=chosen,
        with_kept=False,
        company_name=company_name.strip()[:120] if new else "",
    )
    (path.parent / PENDING).unlink(missing_ok=True)
    checked = record_after_runs(engine, [outcome])
    co = Company.__table__
    with engine.begin() as conn:
        company_id = conn.execute(select(co.c.id).where(co.c.code == code)).scalar_one()
        audit(
            conn,
            who,
            "company.import_fec",
            "company",
            company_id,
            code=code,
            file=path.name,
            run_id=outcome.run_id,
            added=outcome.added,
            changed=outcome.changed,
            deleted=outcome.deleted,
            not_customers=list(outcome.not_customers),
        )
    return FecImported(
        run=last_run(engine, company_id, outcome.run_id),
        outcome=outcome,
        reconciliation=checked.get(code),
    )


def discard_fec(
    engine: Engine, who: Viewer | None, upload: str, folder: Path | None = None
) -> None:
    """Forget a kept file that was not imported (the admin cancelled its preview).

    A file already imported (a company's source) stays. An unknown or gone upload is no error.

    Raises:
        AccessDenied: for a non-admin.
    """
    require(who, ADMIN)
    try:
        _, path = _kept_file(upload, folder)
    except SettingsError:
        return
    if (path.parent / PENDING).is_file():
        shutil.rmtree(path.parent, ignore_errors=True)


def import_fec_upload(
    engine: Engine,
    who: Viewer | None,
    company_code_value: str,
    filename: str,
    data: bytes,
    folder: Path | None = None,
    as_of: date | None = None,
) -> RunView:
    """Import an uploaded FEC file at once, with the company's kept choices and its deletions.

    The preview-less path (`upload_fec` then `confirm_fec`), for callers with no admin to ask.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad company code, an empty or too large file, or a Sage company.
        FecError: the file is not a valid FEC; its message names the file, line and column.
        SyncError: the write failed (nothing written).
    """
    preview = upload_fec(engine, who, company_code_value, filename, data, folder, as_of)
    try:
        done = confirm_fec(
            engine,
            who,
            preview.upload,
            preview.outcome.not_customers,
            confirm_deletions=True,
            folder=folder,
            as_of=as_of,
        )
    except Exception:
        discard_fec(engine, who, preview.upload, folder)
        raise
    return done.run
