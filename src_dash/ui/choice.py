"""One option of a select, as the pages keep them in their state."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class Choice:
    """One option of a select: its value and what the user reads."""

    value: str = ""
    label: str = ""
