"""Run `python -m src_dash.sources.demo --help` to build demo bases from the command line."""

from src_dash.sources.demo.cli import main

main()
