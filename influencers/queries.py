"""Read-only influencer and program queries for pages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from influencers.models import Collaboration, Influencer, Program, SocialHandle


def influencer_count(session: Session) -> int:
    return session.scalar(select(func.count(Influencer.id)).where(Influencer.merged_into_id.is_(None))) or 0


def influencer_table(session: Session) -> pd.DataFrame:
    """Influencers with their handle count and largest following."""
    stmt = (
        select(
            Influencer.id,
            Influencer.name,
            Influencer.email,
            Influencer.country,
            Influencer.status,
            func.count(SocialHandle.id).label("handles"),
            func.max(SocialHandle.followers).label("followers"),
        )
        .outerjoin(SocialHandle, SocialHandle.influencer_id == Influencer.id)
        .where(Influencer.merged_into_id.is_(None))
        .group_by(Influencer.id)
        .order_by(Influencer.name, Influencer.id)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def program_table(session: Session) -> pd.DataFrame:
    """Programs with their number of collaborations."""
    stmt = (
        select(
            Program.id,
            Program.name,
            Program.brand,
            Program.status,
            Program.start_date,
            Program.end_date,
            Program.budget,
            Program.currency,
            func.count(Collaboration.id).label("collaborations"),
        )
        .outerjoin(Collaboration, Collaboration.program_id == Program.id)
        .group_by(Program.id)
        .order_by(Program.name)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))
