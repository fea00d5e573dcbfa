"""The RGPD commands of `src-dash` (`privacy ...`).

- ``privacy register [--json]``: the register of processing (what, why, how long).
- ``privacy export (--contact ID | --email ADDR) --user LOGIN [--out FILE]``: everything held
  about a person, as JSON (to stdout or a file).
- ``privacy erase (--contact ID | --email ADDR) --user LOGIN --yes``: anonymise them.
- ``privacy retention [--apply] [--json]``: what is past its retention period (a dry run), or
  delete and blank it with ``--apply``.

Export and erase act as an admin named by ``--user`` (the audit log says who).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from src_dash.cli.common import failed, open_store, print_json, viewer_of


def cmd_register(args: argparse.Namespace) -> int:
    """Print the register of processing."""
    from src_dash.services.privacy import register_rows

    rows = register_rows()
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"# {row['name']}")
        print(f"  données     : {', '.join(row['data'])}")
        print(f"  finalité    : {row['purpose']}")
        print(f"  base légale : {row['legal_basis']}")
        print(f"  tables      : {', '.join(row['tables'])}")
        print(f"  accès       : {row['seen_by']}")
        print(f"  conservation: {row['retention']}")
        print(f"  à l'échéance: {row['at_end']}")
    return 0


def _person(args: argparse.Namespace) -> dict[str, object]:
    return {"contact_id": args.contact, "email": args.email}


def cmd_export(args: argparse.Namespace) -> int:
    """Export everything held about a person as JSON."""
    from src_dash.access import AccessDenied
    from src_dash.services.privacy import export_person

    engine = open_store()
    try:
        data = export_person(engine, viewer_of(engine, args.user), **_person(args))
    except (LookupError, AccessDenied, ValueError) as exc:
        return failed(exc)
    if args.out is None:
        print_json(data)
        return 0
    args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print_json({"written": str(args.out), **counts})
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    """Anonymise a person everywhere in the store (asks for --yes)."""
    from src_dash.access import AccessDenied
    from src_dash.services.privacy import erase_person

    if not args.yes:
        return failed(ValueError("erasing cannot be undone: add --yes"), "refused", 2)
    engine = open_store()
    try:
        report = erase_person(engine, viewer_of(engine, args.user), **_person(args))
    except (LookupError, AccessDenied, ValueError) as exc:
        return failed(exc)
    print_json(report.as_dict())
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """Show (or with --apply, do) what the retention periods remove."""
    from src_dash.services.customer_space.uploads import attachments_dir
    from src_dash.services.privacy import apply_retention, preview_retention

    engine = open_store()
    try:
        if args.apply:
            result = apply_retention(engine, attachments_dir=attachments_dir())
        else:
            result = preview_retention(engine, attachments_dir=attachments_dir())
    except ValueError as exc:
        return failed(exc)
    if args.json:
        print_json(result)
        return 0
    word = "applied" if args.apply else "dry run (add --apply)"
    print(f"retention {word}, as of {result['now']}")
    for name, count in result["counts"].items():
        print(f"  {name:<18} {count}")
    return 0


def _person_options(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--contact", type=int, default=None, help="the contact's id")
    who.add_argument("--email", default=None, help="the person's email address")
    p.add_argument("--user", required=True, help="the login of the admin who asks")


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the `privacy` command and its subcommands to the `src-dash` parser."""
    group = sub.add_parser("privacy", help="RGPD: register, export, erase, retention")
    commands = group.add_subparsers(dest="privacy_command", required=True)

    p = commands.add_parser("register", help="the register of processing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_register)

    p = commands.add_parser("export", help="everything held about a person, as JSON")
    _person_options(p)
    p.add_argument("--out", type=Path, default=None, help="write the JSON to this file")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("erase", help="anonymise a person (keeps the accounting)")
    _person_options(p)
    p.add_argument("--yes", action="store_true", help="yes, erase (cannot be undone)")
    p.set_defaults(func=cmd_erase)

    p = commands.add_parser("retention", help="what is past its retention period")
    p.add_argument("--apply", action="store_true", help="delete and blank it (else a dry run)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_retention)


register = register_commands
