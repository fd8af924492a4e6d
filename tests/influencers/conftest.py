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
