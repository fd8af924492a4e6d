"""Configuration read from the environment (and a `.env` file when present)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///data/pantau.db"

# A .env file next to the project is read once; real environment variables win.
load_dotenv(ROOT / ".env", override=False)


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    """Return an environment variable, treating an empty value as unset."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def database_url() -> str:
    """The database URL: `DATABASE_URL` or the embedded SQLite file under `data/`."""
    return env("DATABASE_URL", DEFAULT_DATABASE_URL)
