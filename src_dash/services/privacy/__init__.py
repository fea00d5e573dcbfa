"""RGPD: the register of processing, a person's export, erasure on request, retention.

Plain services, admin only (the register is public to admins and the docs); every export and
every change of personal data is written in the audit log in the same transaction.
"""

from src_dash.services.privacy.erase import ErasureReport, erase_person
from src_dash.services.privacy.export import export_person
from src_dash.services.privacy.register import (
    PROCESSING,
    PrivacyOverview,
    Processing,
    privacy_overview,
    register_rows,
)
from src_dash.services.privacy.retention import (
    RetentionSettings,
    apply_retention,
    preview_retention,
)

__all__ = [
    "PROCESSING",
    "ErasureReport",
    "PrivacyOverview",
    "Processing",
    "RetentionSettings",
    "apply_retention",
    "erase_person",
    "export_person",
    "preview_retention",
    "privacy_overview",
    "register_rows",
]
