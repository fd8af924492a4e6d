"""Errors the influencer services raise: field-level validation problems and edit conflicts."""

from __future__ import annotations

from typing import Any


class FieldErrors(ValueError):
    """Input was refused; `errors` maps each field to the reason (shown next to the field)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors.items()))


class ConflictError(ValueError):
    """Someone else saved the record since it was loaded; nothing was overwritten."""

    def __init__(self, entity: str, entity_id: int, latest: dict[str, Any] | None):
        self.entity = entity
        self.entity_id = entity_id
        self.latest = latest or {}
        super().__init__(
            f"This {entity} (#{entity_id}) was changed by someone else since you opened it; "
            "your changes were not saved. Review the latest values and save again."
        )


class TransitionError(ValueError):
    """A status or stage change that the rules do not allow."""


class NotFound(ValueError):
    """The record does not exist (or was merged away)."""
