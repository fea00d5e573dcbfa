"""Settings tab "RGPD" (issue 14): the register of processing and the retention periods."""

from src_dash.ui.pages.settings.privacy.state import PrivacyState
from src_dash.ui.pages.settings.privacy.views import privacy_tab

__all__ = ["PrivacyState", "privacy_tab"]
