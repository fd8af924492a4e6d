"""Platform tables: users and roles, the audit log, workspace settings, and the automation records (job runs,
alert recipients and the alerts sent to them; `automation/` owns their rules, the tables sit here so every
floor's schema is gathered from one place)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, Versioned
from db.types import JSONData, UTCDateTime, utcnow


class User(Versioned, Timestamps, Base):
    """A person who may sign in; the role decides what they see and change."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None until the person chooses a language (the browser's applies until then; migration 0012)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One write: who did what to which record, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONData)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONData)


class Setting(Versioned, Base):
    """A workspace setting (reporting currency, fee recognition, feature switches, encrypted token)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONData)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(320))


class JobRun(Base):
    """One run of a scheduled job: claimed once per (job, scheduled time, attempt) by whichever worker inserts
    the row first, so several workers on one database never run a slot twice."""

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("job", "scheduled_for", "attempt"),
        Index("ix_job_run_job_started_at", "job", "started_at"),
        Index("ix_job_run_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    scheduled_for: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")  # schedule | cli
    status: Mapped[str] = mapped_column(String(20), default="running")  # running success failed abandoned
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # host:pid
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONData)


class AlertRecipient(Versioned, Timestamps, Base):
    """Who receives alerts, through which channel and in which language: a person's own preferences (user_id)
    or a workspace webhook an admin set up (no user)."""

    __tablename__ = "alert_recipient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))  # a credential: shown masked, never logged
    webhook_format: Mapped[str] = mapped_column(String(20), default="slack")  # slack | teams | json
    categories: Mapped[list[str] | None] = mapped_column(JSONData)
    language: Mapped[str] = mapped_column(String(10), default="en")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class SentAlert(Base):
    """One alert condition delivered to one recipient on one channel: the fingerprint keeps the same condition
    from being sent again within its window."""

    __tablename__ = "sent_alert"
    __table_args__ = (
        Index("ix_sent_alert_recipient_fingerprint", "recipient_id", "channel", "fingerprint", "sent_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("alert_recipient.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    fingerprint: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_run.id", ondelete="SET NULL"))


class LockHolder(Base):
    """Who holds a named lock (db/locks.py), for the message a second holder gets; the lock itself is a
    PostgreSQL advisory lock or a file lock, so a row left by a killed process is only stale information."""

    __tablename__ = "lock_holder"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(320))
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
