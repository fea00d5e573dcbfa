"""The benchmarks behind `src-dash bench <name>`, one module each, printed as JSON.

sync, analytics, dunning (with inbox, its IMAP pass), ui, actions, open_items; `common` holds
the timing and figure helpers and the demo store they build, `app` the app they start and the
websocket client that drives it. Measured, never asserted in tests. An edge: nothing in the
product imports from here.
"""
