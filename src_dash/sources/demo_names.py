"""Old path of `src_dash.sources.demo.names` (the demo generator's word lists), kept for callers.

Importing it gives the very module `src_dash.sources.demo.names`.
"""

import sys

from src_dash.sources.demo import names

sys.modules[__name__] = names
