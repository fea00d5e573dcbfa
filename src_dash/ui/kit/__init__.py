"""The UI kit: what every page uses the same way.

- `service`: run a service for an event handler (viewer, worker thread, errors, toast);
- `paged_table`: the state of a server-paged, filtered, sorted table;
- `widgets`: labelled selects, switches, key figures, the message dialog;
- `controls`: buttons with their icon, rows, tables, dialogs, text inputs in the house style.
"""
