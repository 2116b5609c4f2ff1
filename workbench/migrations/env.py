"""Alembic's environment for the register: migrations run on the connection the workbench passes in
(:func:`workbench.migrations.upgrade`), never from an ``alembic.ini``."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
