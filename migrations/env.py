"""Alembic environment for transition's database.

transition runs migrations itself (`transition.store.backends.sqlite`), handing Alembic a
connection that already holds the write lock; the same environment serves
`alembic revision --autogenerate` from a checkout, given `-x db=PATH`.
"""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import transition.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    path = context.get_x_argument(as_dictionary=True).get("db", "transition.db")
    with create_engine(f"sqlite:///{path}").begin() as connection:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("transition's migrations run online only")
run_migrations_online()
