"""Which ad account an imported file belongs to, new accounts with identifiers that never collide, and the one
rule for account-level rows: they count only for account-days no campaign row covers.

Account-level daily rows (`AccountInsight`, from exports without a campaign column) are mirrored onto one
campaign per account, "Account-level spend (not by campaign)", for exactly the days on which no other campaign
of the account has a row. Every total, pacing figure, ledger line and export reads `CampaignInsight`, so they
all see the same figures and an account-day is never counted twice. `settle_account_days` keeps the mirror
right; imports call it, and so does the Meta sync after it writes a window.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.account_names import fold_name
from campaigns.adsmanager_rows import differs
from campaigns.models import (
    SOURCE_ACCOUNT_LEVEL,
    SOURCE_ADS_MANAGER_CSV,
    AccountInsight,
    AdAccount,
    Campaign,
    CampaignInsight,
)
from campaigns.platforms import PLATFORM_META
from db.calendar import is_timezone, workspace_timezone
from db.engine import savepoint
from db.errors import N_, DomainError
from db.money import currency_code
from db.types import utcnow

UNATTRIBUTED_NAME = "Account-level spend (not by campaign)"
GENERATED_PREFIX = "csv-"
ACCOUNT_ID_LENGTH = 40  # AdAccount.account_id

AMBIGUOUS_ACCOUNT = N_("'{text}' matches {count} ad accounts ({names}); give the account ID instead.")
UNKNOWN_TIMEZONE = N_("'{timezone}' is not a time zone; use a name such as Asia/Jakarta.")
NO_CURRENCY = N_(
    "The file does not say its currency (the spend column is '{column}' without '(IDR)' or '(USD)'); import it "
    "into an existing ad account, or give the new account's currency."
)
OTHER_CURRENCY = N_(
    "The file is in {file_currency} but ad account {account} is in {account_currency}; choose the account the "
    "file was exported from."
)
OTHER_ACCOUNT = N_(
    "The file is for ad account {file_account} but you chose {account} ({account_id}); choose the account the "
    "file was exported from."
)
NOT_FOUND = N_("There is no ad account #{id}; choose one from the list.")
NAME_TAKEN = N_(
    "There is already an ad account named '{name}' ({account_id}, {currency}); choose it as the ad account instead "
    "of creating a second one, or give the new account another name."
)


class AccountChoiceError(DomainError):
    """The target account cannot be used for this file."""


@dataclass(frozen=True)
class AccountTarget:
    """Where a file goes: an existing account (`account_id`, the primary key), or a new one.

    A new account takes `name` (default: the file's Account name column or its file name), `currency` (default:
    the file's) and `timezone` (default: the workspace's). `lookup` is what the CLI's `--account` says: an
    existing account's ID or name (case-insensitive), else the name of a new account.
    """

    account_id: int | None = None
    lookup: str | None = None
    name: str | None = None
    currency: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class ResolvedAccount:
    """The account a file goes to: an existing one, or the one `apply` will create."""

    existing: AdAccount | None
    name: str
    account_id: str | None  # the Meta account ID the file names (digits), for a new account
    currency: str
    timezone: str

    @property
    def is_new(self) -> bool:
        return self.existing is None

    @property
    def existing_id(self) -> int | None:
        return self.existing.id if self.existing is not None else None


def find_account(session: Session, text: str, platform: str = PLATFORM_META) -> AdAccount | None:
    """An existing account of `platform` (Meta's for Ads Manager files) whose ID (with or without `act_`) or
    name matches `text`, case-insensitively. Accounts of other platforms are never matched: a TikTok advertiser
    named like the file is not where an Ads Manager export goes."""
    wanted = (text or "").strip()
    if not wanted:
        return None
    bare = wanted.removeprefix("act_").removeprefix("ACT_") if platform == PLATFORM_META else wanted
    mine = AdAccount.platform == platform
    by_id = session.scalar(select(AdAccount).where(mine, func.lower(AdAccount.account_id) == bare.lower()))
    if by_id is not None:
        return by_id
    matches = list(session.scalars(select(AdAccount).where(mine, func.lower(AdAccount.name) == wanted.lower())))
    if not matches:
        # Unicode-aware case folding (SQL lower() folds ASCII only on SQLite).
        folded = fold_name(wanted)
        matches = [a for a in session.scalars(select(AdAccount).where(mine)) if fold_name(a.name) == folded]
    if len(matches) > 1:
        names = ", ".join(f"{a.name} ({a.account_id})" for a in matches[:3])
        raise AccountChoiceError(AMBIGUOUS_ACCOUNT, text=wanted, count=len(matches), names=names)
    return matches[0] if matches else None


def refuse_taken_name(session: Session, name: str, platform: str = PLATFORM_META) -> None:
    """The one rule for a new account's name: no other account of `platform` may have it (compared case- and
    space-insensitively, `Toko  kopi ` = `Toko Kopi`: `account_names.fold_name`); raises `AccountChoiceError`
    naming the existing account. The database keeps it too for accounts created from files (`name_key`): an
    import creating the account after this check passed is refused at its insert, and the importer calls this
    again to say so (`create_account`, `platform_import`)."""
    folded = fold_name(name)
    for account in session.scalars(select(AdAccount).where(AdAccount.platform == platform).order_by(AdAccount.id)):
        if fold_name(account.name) == folded:
            raise AccountChoiceError(
                NAME_TAKEN, name=account.name, account_id=account.account_id, currency=account.currency
            )


def account_choices(session: Session, platform: str = PLATFORM_META) -> list[tuple[int, str, str, str]]:
    """(primary key, name, account ID, currency) of every account of `platform`, by name, for a select box."""
    rows = session.execute(
        select(AdAccount.id, AdAccount.name, AdAccount.account_id, AdAccount.currency)
        .where(AdAccount.platform == platform)
        .order_by(AdAccount.name, AdAccount.id)
    )
    return [(r.id, r.name, r.account_id, r.currency) for r in rows]


def resolve_target(
    session: Session,
    target: AccountTarget,
    *,
    file_accounts: tuple[tuple[str | None, str | None], ...],
    file_name_account: str,
    file_currency: str | None,
    spend_column: str,
) -> ResolvedAccount:
    """The account a file goes to, with the currency its amounts are read in.

    Without a choice: the account the file's Account ID names, else one named like the file's Account name
    column, else like the file name (`Toko-Campaigns-...csv` -> Toko); otherwise a new account. A chosen
    account must have the file's currency, and the Meta account the file names when it names one.
    """
    file_id, file_name = file_accounts[0] if file_accounts else (None, None)
    existing: AdAccount | None = None
    new_name = target.name
    if target.account_id is not None:
        existing = session.get(AdAccount, target.account_id)
        if existing is None or existing.platform != PLATFORM_META:
            raise AccountChoiceError(NOT_FOUND, id=target.account_id)
    elif target.lookup:
        existing = find_account(session, target.lookup)
        new_name = new_name or target.lookup.strip()
    elif not target.name:
        if file_id:
            existing = session.scalar(
                select(AdAccount).where(AdAccount.platform == PLATFORM_META, AdAccount.account_id == file_id)
            )
        for candidate in (file_name, file_name_account):
            if existing is None and candidate:
                existing = find_account(session, candidate)
    if existing is not None:
        if file_currency and file_currency != existing.currency:
            raise AccountChoiceError(
                OTHER_CURRENCY, file_currency=file_currency, account=existing.name, account_currency=existing.currency
            )
        if file_id and existing.account_id.isdigit() and existing.account_id != file_id:
            raise AccountChoiceError(
                OTHER_ACCOUNT, file_account=file_id, account=existing.name, account_id=existing.account_id
            )
        return ResolvedAccount(existing, existing.name, existing.account_id, existing.currency, existing.timezone_name)
    currency = file_currency or (currency_code(target.currency) if target.currency else None)
    if currency is None:
        raise AccountChoiceError(NO_CURRENCY, column=spend_column)
    if target.currency and currency_code(target.currency) != currency:
        raise AccountChoiceError(
            OTHER_CURRENCY,
            file_currency=currency,
            account=new_name or file_name_account,
            account_currency=target.currency,
        )
    timezone = (target.timezone or "").strip() or workspace_timezone(session)
    if not is_timezone(timezone):
        raise AccountChoiceError(UNKNOWN_TIMEZONE, timezone=timezone)
    taken = file_id and session.scalar(
        select(AdAccount.id).where(AdAccount.platform == PLATFORM_META, AdAccount.account_id == file_id)
    )
    name = (new_name or file_name or file_name_account or "Ads Manager import").strip()[:300]
    refuse_taken_name(session, name)
    return ResolvedAccount(None, name, None if taken else file_id, currency, timezone)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:24].strip("-") or "file"


def generated_account_id(session: Session, name: str, platform: str = PLATFORM_META) -> str:
    """`csv-<slug>` for an account created from a file, `csv-<slug>-2`, `-3`... when taken (never over 40)."""
    base = GENERATED_PREFIX + _slug(name)
    taken = set(
        session.scalars(
            select(AdAccount.account_id).where(AdAccount.platform == platform, AdAccount.account_id.like(base + "%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_account(session: Session, resolved: ResolvedAccount) -> AdAccount:
    """Create the new account of `resolved` (refused when an account of that name exists by now, also when
    another import created it after the check: the name key's unique index); a concurrent writer taking the same
    identifier moves it on."""
    refuse_taken_name(session, resolved.name)
    for _attempt in range(5):
        account_id = resolved.account_id or generated_account_id(session, resolved.name)
        account = AdAccount(
            account_id=account_id,
            name=resolved.name,
            currency=resolved.currency,
            timezone_name=resolved.timezone,
            source=SOURCE_ADS_MANAGER_CSV,
            sync_enabled=False,
        )
        try:
            with savepoint(session):
                session.add(account)
                session.flush()
        except IntegrityError:
            refuse_taken_name(session, resolved.name)  # another import took the name since the check
            resolved = ResolvedAccount(None, resolved.name, None, resolved.currency, resolved.timezone)
            continue
        return account
    raise AccountChoiceError(N_("Another import created the same ad account at the same time; import the file again."))


# --- account-level rows ---------------------------------------------------------------------------------------------

_MIRRORED: tuple[str, ...] = ("currency", "spend", "impressions", "clicks", "link_clicks", "actions", "action_values")
_MIRRORED += ("conversions", "conversion_value")


def unattributed_campaign(session: Session, account: AdAccount, *, create: bool) -> Campaign | None:
    """The account's "not by campaign" campaign (created on first need when `create`)."""
    campaign = session.scalar(
        select(Campaign).where(Campaign.account_id == account.id, Campaign.source == SOURCE_ACCOUNT_LEVEL).limit(1)
    )
    if campaign is None and create:
        campaign = Campaign(
            account_id=account.id,
            meta_id=None,
            name=UNATTRIBUTED_NAME,
            currency=account.currency,
            source=SOURCE_ACCOUNT_LEVEL,
        )
        session.add(campaign)
        session.flush()
    return campaign


def settle_account_days(session: Session, account: AdAccount, since: dt.date, until: dt.date) -> int:
    """Make the account's "not by campaign" rows equal its account-level rows on the days from `since` to
    `until` that no other campaign of the account has a row for (and absent on every other day).

    Returns how many rows were inserted, changed or removed. Cheap when the account has no account-level rows.
    """
    session.flush()
    window = and_(AccountInsight.account_id == account.id, AccountInsight.date.between(since, until))
    levels = {row.date: row for row in session.scalars(select(AccountInsight).where(window))}
    campaign = unattributed_campaign(session, account, create=bool(levels))
    if campaign is None:
        return 0
    covered = set(
        session.scalars(
            select(CampaignInsight.date)
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .where(
                Campaign.account_id == account.id,
                Campaign.id != campaign.id,
                CampaignInsight.date.between(since, until),
            )
            .distinct()
        )
    )
    mirrored = {
        row.date: row
        for row in session.scalars(
            select(CampaignInsight).where(
                CampaignInsight.campaign_id == campaign.id, CampaignInsight.date.between(since, until)
            )
        )
    }
    changes = 0
    stale = [day for day in mirrored if day not in levels or day in covered]
    if stale:
        session.execute(
            delete(CampaignInsight).where(CampaignInsight.campaign_id == campaign.id, CampaignInsight.date.in_(stale))
        )
        changes += len(stale)
    for day, level in sorted(levels.items()):
        if day in covered:
            continue
        values = {name: getattr(level, name) for name in _MIRRORED}
        values["reach"] = level.reach
        row = mirrored.get(day)
        if row is None:
            session.add(
                CampaignInsight(
                    campaign_id=campaign.id, date=day, source=SOURCE_ADS_MANAGER_CSV, synced_at=utcnow(), **values
                )
            )
            changes += 1
        elif any(differs(getattr(row, name), value) for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.synced_at = utcnow()
            changes += 1
    session.flush()
    return changes
