"""The error budget services raise: a plan, scope or change was refused (the message names field and reason)."""

from __future__ import annotations

from db.errors import DomainError


class BudgetError(DomainError):
    """A budget plan or change was refused: the message names the field and the reason."""
