"""Roles and permissions: one rule set shared by the navigation, the pages and every write."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "manager", "specialist", "finance", "viewer")

# Page keys -> roles that may open the page. Deny by default: a page not listed is shown to nobody.
PAGE_ACCESS: dict[str, frozenset[str]] = {
    "overview": frozenset(ROLES),
    "campaigns": frozenset(ROLES),
    "budgets": frozenset(ROLES),
    "influencers": frozenset({"admin", "manager", "specialist", "finance"}),
    "programs": frozenset({"admin", "manager", "specialist", "finance"}),
    # The content calendar: finance reads it; planning a post date needs program.edit.
    "calendar": frozenset({"admin", "manager", "specialist", "finance"}),
    "exports": frozenset({"admin", "manager", "finance"}),
    "sync": frozenset({"admin", "specialist"}),
    "settings": frozenset({"admin"}),
    "audit": frozenset({"admin", "manager"}),
    # Everyone chooses which alerts they receive and in which language.
    "notifications": frozenset(ROLES),
}

# Write permissions -> roles. Services call `require(actor, PERMISSION)` before changing anything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "sync.run": frozenset({"admin", "specialist"}),
    "import.run": frozenset({"admin", "specialist"}),
    "demo.load": frozenset({"admin"}),
    "campaign.edit": frozenset({"admin", "specialist"}),
    "influencer.edit": frozenset({"admin", "manager", "specialist"}),
    "program.edit": frozenset({"admin", "manager", "specialist"}),
    "budget.propose": frozenset({"admin", "manager", "specialist"}),
    "budget.plan": frozenset({"admin", "manager"}),
    "budget.approve": frozenset({"admin", "manager"}),
    "payment.approve": frozenset({"admin", "manager"}),
    "payment.mark_paid": frozenset({"admin", "finance"}),
    "fx.edit": frozenset({"admin", "manager", "finance"}),
    "period.close": frozenset({"admin", "finance"}),
    "export.run": frozenset({"admin", "manager", "finance"}),
    "users.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin", "manager"}),
}


class PermissionDenied(Exception):
    """The actor's role does not allow this action (`role` and `permission` say which; pages translate it)."""

    def __init__(self, role: str, permission: str):
        self.role = role
        self.permission = permission
        super().__init__(f"The {role} role is not permitted to do this ({permission}).")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, the local admin, or the command line."""

    email: str
    role: str

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS.get(permission, frozenset())

    def may_see(self, page: str) -> bool:
        return self.role in PAGE_ACCESS.get(page, frozenset())


LOCAL_ADMIN = Actor(email="local-admin@localhost", role="admin")
CLI_ACTOR = Actor(email="cli@localhost", role="admin")
# Sign-in itself writes when PANTAU_ADMIN_EMAILS or auto-provisioning creates a user; audited under this name.
SIGN_IN_ACTOR = Actor(email="sign-in@pantau", role="admin")
# Actors that stand for one person working alone (local mode, the command line): there is no second person
# to approve what they propose.
ONE_PERSON_EMAILS = frozenset({LOCAL_ADMIN.email, CLI_ACTOR.email})


def is_one_person(actor: Actor) -> bool:
    """True for the local admin (local mode: one person, no sign-in) and the command line."""
    return actor.email in ONE_PERSON_EMAILS


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not actor.can(permission):
        raise PermissionDenied(actor.role, permission)
