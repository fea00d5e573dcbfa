"""Alembic environment of the store; run through src_dash.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import src_dash.store  # noqa: F401  (registers every table)
from src_dash.store.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render the store's own column types with an import the migration can use."""
    if type_ == "type" and type(obj).__module__ == "src_dash.store.types":
        autogen_context.imports.add("import src_dash.store.types")  # type: ignore[attr-defined]
        return f"src_dash.store.types.{type(obj).__name__}()"
    return False


def run_migrations_online() -> None:
    """Run the migrations on a live connection (batch mode so SQLite can alter tables)."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a table by copy, drop and rename: with foreign keys on, the
            # drop would cascade to the rows that point at it. The pragma only works outside a
            # transaction, so it goes straight to the driver before Alembic begins one.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
