"""Database layer: configuration, engine and sessions, typed models, migrations, audit log, roles."""
