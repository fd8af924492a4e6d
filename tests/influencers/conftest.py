"""Fixtures for the influencer tests: actors of each role and a small program with a collaboration."""

from __future__ import annotations

import pytest

from db.roles import Actor

ADMIN = Actor("admin@example.com", "admin")
MANAGER = Actor("manager@example.com", "manager")
SPECIALIST = Actor("specialist@example.com", "specialist")
FINANCE = Actor("finance@example.com", "finance")
VIEWER = Actor("viewer@example.com", "viewer")


@pytest.fixture
def program_setup(session):
    """A program (IDR, prefix KOPI, landing page with a query) and one influencer in it."""
    from influencers.contacts import create_influencer
    from influencers.programs import add_collaboration, create_program

    program = create_program(
        session,
        SPECIALIST,
        {
            "name": "Kopi Launch",
            "currency": "IDR",
            "promo_code_prefix": "kopi",
            "landing_url": "https://shop.example/kopi?ref=ig",
            "utm_campaign": "kopi-launch",
            "budget": "50000000",
        },
    )
    person = create_influencer(session, SPECIALIST, {"name": "Ayu Lestari", "handles": {"instagram": "@Ayu.L"}})
    collab = add_collaboration(session, SPECIALIST, program.id, person.id, {"fee": "2500000"})
    session.flush()
    return program, person, collab


def contract(session, collab) -> None:
    """Move a collaboration along the pipeline to contracted (payments need it): `tests.builders.contract`."""
    from tests.builders import contract as to_contracted

    to_contracted(session, SPECIALIST, collab.id)


AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-that-is-long-enough-1234",
        "client_id": "pantau-test",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def as_role(app_test):
    """An AppTest through streamlit_app.py signed in as a user of `role` (added to the users table)."""
    from db.engine import session_scope
    from db.roles import CLI_ACTOR
    from db.users import add_user

    def make(role: str, timeout: float = 30):
        email = f"{role}.pages@example.com"
        with session_scope() as s:
            add_user(s, CLI_ACTOR, email, role)
        at = app_test(timeout=timeout)
        at.secrets = AUTH_SECRETS
        at.user = {"is_logged_in": True, "email": email}
        return at

    return make


PROGRAM_TABS = {
    "pipeline": "Pipeline",
    "collaborations": "Collaborations",
    "deliverables": "Deliverables",
    "payments": "Payments",
    "results": "Results",
    "program": "Program",
}


def program_tab(at, code: str):
    """Open one tab of the Programs page, as a click on it does, and rerun: only the open tab renders."""
    from pages.components.i18n import _catalog

    language = at.session_state.get("language", "en")
    label = PROGRAM_TABS[code]
    at.session_state["prog_tab"] = _catalog(language).get(label, label) if language != "en" else label
    at.run()
    assert not at.exception, at.exception
    return at
