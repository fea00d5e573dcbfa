"""`python -m src_dash.cli`: the `src-dash` command."""

import sys

from src_dash.cli import main

sys.exit(main())
