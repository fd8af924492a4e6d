"""Imports every model so `Base.metadata` knows the whole schema (Alembic, tests)."""

from __future__ import annotations

import budgets.models  # noqa: F401
import campaigns.models  # noqa: F401
import db.models  # noqa: F401
import finance.models  # noqa: F401
import influencers.models  # noqa: F401
from db.base import Base

metadata = Base.metadata
