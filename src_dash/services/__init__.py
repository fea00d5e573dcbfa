"""Use cases called by the UI and the CLI; plain Python returning plain dataclasses."""
