"""Old path of `src_dash.sources.demo.schema` (the demo base's DDL), kept for callers.

Importing it gives the very module `src_dash.sources.demo.schema`.
"""

import sys

from src_dash.sources.demo import schema

sys.modules[__name__] = schema
