"""Schema migrations (Alembic): every package's models gathered (`migrations.schema`) and the upgrade commands
(`migrations.migrate`). It sits above the domain packages because it imports all of their models."""
