"""The Sync page's upload of TikTok Ads Manager, Google Ads and LinkedIn report files: platform, file, account,
preview (rows to write, rows rejected with their reasons), then import (campaigns.platform_import)."""

from __future__ import annotations

from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from campaigns.adsmanager_accounts import account_choices
from campaigns.platform_import import apply_report, preview_report
from campaigns.platform_reports import FORMATS
from db.calendar import workspace_timezone
from db.engine import session_scope
from db.errors import DomainError
from db.roles import Actor, PermissionDenied
from db.tabular import DEFAULT_LIMITS, MB
from pages.components.data import clear_caches
from pages.components.i18n import _
from pages.components.import_preview import dry_run, show_preview
from pages.components.inputs import error_text, message_text
from pages.components.money import money, number
from pages.components.terms import REPORT_PREVIEW_LABELS

UPLOAD_MB = DEFAULT_LIMITS.max_bytes // MB


def report_upload(actor: Actor) -> None:
    """The platform choice, the uploader and the preview and import of one report file."""
    titles = {name: _(fmt.title) for name, fmt in FORMATS.items()}  # this run's words (a lambda would be re-run later)
    command = st.selectbox(
        _("Exported from"), list(FORMATS), format_func=titles.__getitem__, key="sync_report_platform"
    )
    fmt = FORMATS[command]
    upload = st.file_uploader(
        _("Report file"), type=["csv", "tsv", "txt", "xlsx", "xls"], key="sync_report_upload", max_upload_size=UPLOAD_MB
    )
    if upload is None:
        return
    data = upload.getvalue()
    with session_scope() as session:
        try:
            detected = preview_report(session, fmt, data, upload.name)
        except DomainError:
            detected = None  # no currency or an ambiguous account: the user chooses below, then sees the reason
        choices = account_choices(session, fmt.platform)
        workspace_zone = workspace_timezone(session)
    options: list[int | None] = [None, *[pk for pk, _name, _id, _cur in choices]]
    labels = {pk: f"{name} ({account_id}, {currency})" for pk, name, account_id, currency in choices}
    ids = {pk: account_id for pk, _name, account_id, _cur in choices}
    default = detected.account_id if detected is not None else None
    chosen = st.selectbox(
        _("Ad account"),
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda pk: _("A new ad account") if pk is None else labels[pk],
        key="sync_report_account",
        help=_("The account the file was exported from. Campaigns are matched inside it by ID, else by name."),
    )
    account, timezone = (ids[chosen] if chosen is not None else None), None
    if chosen is None:
        c1, c2 = st.columns([3, 2])
        account = c1.text_input(
            _("New account name"),
            value=detected.account_name if detected is not None else upload.name.rsplit(".", 1)[0],
            key="sync_report_new_name",
        ).strip()
        zones = sorted(available_timezones())
        default_zone = fmt.timezone or workspace_zone
        timezone = c2.selectbox(
            _("Time zone of the new account"),
            zones,
            index=zones.index(default_zone) if default_zone in zones else 0,
            key="sync_report_timezone",
            help=_("The days of the report are in this time zone (LinkedIn's exports are in UTC)."),
        )
    preview = dry_run(
        lambda session: preview_report(session, fmt, data, upload.name, account=account or None, timezone=timezone)
    )
    if preview is None:
        return
    st.info(
        _(
            "{file}: {rows} valid row(s), {rejected} rejected, {totals} total row(s) skipped; account {account}, "
            "currency {currency}, spend {spend}.",
            file=preview.filename,
            rows=number(len(preview.rows)),
            rejected=number(preview.rejected_rows),
            totals=number(preview.total_rows),
            account=preview.account_name,
            currency=preview.currency,
            spend=money(preview.spend, preview.currency),
        )
    )
    for warning in preview.warnings:  # e.g. the last row may be cut: a warning, never a refusal
        st.warning(message_text(warning))
    for note in preview.notes:
        st.caption(message_text(note))
    if preview.errors:
        st.warning(_("{count} row(s) will be rejected:", count=number(preview.rejected_rows)))
        errors = [
            {_("Row"): e.row, _("Column"): e.column or _("(whole row)"), _("Reason"): message_text(e.message)}
            for e in preview.errors
        ]
        st.dataframe(pd.DataFrame(errors), hide_index=True, key="sync_report_errors")
    if not preview.rows:
        return
    show_preview(preview.table(), preview.currency, REPORT_PREVIEW_LABELS, "sync_report_preview")
    if not actor.can("import.run"):
        st.info(_("Your role is not permitted to import files."))
        return
    if not st.button(
        _("Import {count} row(s)", count=number(len(preview.rows))), key="sync_report_import", type="primary"
    ):
        return
    try:
        with session_scope() as session:
            fresh = preview_report(session, fmt, data, upload.name, account=account or None, timezone=timezone)
            result = apply_report(session, actor, fresh)
    except (DomainError, PermissionDenied) as exc:
        st.error(error_text(exc))
        return
    show_import_result(
        result,
        _(
            "Imported: {inserted} new, {updated} updated, {unchanged} unchanged row(s); {synced} skipped (already "
            "synced from the API); {campaigns} campaign(s) created.",
            **import_counts(result),
        ),
    )


def import_counts(result) -> dict[str, object]:
    """The figures an import result sentence shows (Ads Manager and platform report imports alike)."""
    return {
        "inserted": number(result.inserted),
        "updated": number(result.updated),
        "unchanged": number(result.unchanged),
        "synced": number(result.skipped_synced),
        "campaigns": number(result.campaigns_created),
    }


def show_import_result(result, message: str) -> None:
    """After an import from the page: caches cleared, then what it wrote (or that nothing changed)."""
    clear_caches()
    if result.changed:
        st.success(message)
    else:
        st.info(message + " " + _("Nothing changed: the data is already stored."))
