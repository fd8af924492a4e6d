"""Exports: CSV and XLSX files for finance in one reporting currency, FX rates, period close and reconciliation."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from campaigns.queries import workspace_counts
from db.calendar import month_end, month_start
from db.engine import session_scope
from db.errors import DomainError
from db.money import CurrencyError, currency_code, precision
from db.roles import PermissionDenied
from db.settings import set_setting
from finance.close import CloseError, close_month, reopen_month
from finance.exports import EXPORTS, XLSX_MIME, ExportError, file_name, record_export
from finance.fx import POLICIES, date_order_needed, decimal_mark_needed, import_rates_csv, set_rate
from finance.reconcile import reconcile_month
from influencers.fees import RECOGNITION
from pages.components.auth import require_page
from pages.components.data import clear_caches, day_values, db_key, moment_values, today
from pages.components.date_order import date_order_select
from pages.components.decimal_mark import decimal_mark_select
from pages.components.empty import empty_state
from pages.components.finance_exports import (
    ORIGIN_TERMS,
    closed_months,
    closes_table,
    differences,
    differences_shown,
    export_file,
    export_xlsx,
    file_totals,
    months_text,
    page_column_labels,
    preview,
    provisional_rows,
    rates_table,
    workspace_finance,
)
from pages.components.i18n import _, date_text, month_text, picker_format
from pages.components.import_preview import number_convention_caption
from pages.components.inputs import date_field, error_text, message_text, rate_input
from pages.components.money import number
from pages.components.table_dates import dated_table
from pages.components.terms import column_labels, fx_rate_source, label

actor = require_page("exports")
st.title(_("Exports"))
st.caption(_("Finance files: daily and monthly campaign spend, campaigns, influencer payments, marketing spend."))

with session_scope() as session:
    counts = workspace_counts(session)
if counts["campaigns"] == 0:
    empty_state(_("Exports are built from synced campaigns and influencer programs; there is nothing to export yet."))
    st.stop()

info = workspace_finance(db_key())
# The reporting currency once, with where it comes from (Settings, the environment, or the accounts' main currency).
st.caption(
    _(
        "Reporting currency: {currency} ({origin}). FX policy: {policy}. Influencer fees count: {recognition}. "
        "An admin changes these in Settings.",
        currency=info["reporting_currency"],
        origin=_(ORIGIN_TERMS[info["reporting_origin"]]),
        policy=label("fx_policy", info["fx_policy"]),
        recognition=label("recognition", info["fee_recognition"]).lower(),
    )
)
last_month_end = month_start(today()) - dt.timedelta(days=1)
tab_export, tab_fx, tab_close, tab_reconcile = st.tabs(
    [_("Export"), _("FX rates"), _("Period close"), _("Reconciliation")]
)

with tab_export:
    name = st.selectbox(
        _("Report"),
        list(EXPORTS),
        format_func=lambda n: f"{_(EXPORTS[n].title)} ({n})",
        key="exports_report",
    )
    st.caption(_(EXPORTS[name].description))
    left, middle, right = st.columns(3)
    since = left.date_input(_("From"), value=month_start(last_month_end), key="exports_from", format=picker_format())
    until = middle.date_input(_("To"), value=last_month_end, key="exports_to", format=picker_format())
    choices = [info["reporting_currency"], *[c for c in info["currencies"] if c != info["reporting_currency"]]]
    currency = right.selectbox(_("Currency"), choices, key="exports_currency")
    o1, o2 = st.columns(2)
    bom = o1.checkbox(_("UTF-8 with BOM (for Excel)"), value=True, key="exports_bom")
    strict = o2.checkbox(
        _("Refuse the file when an FX rate is missing"),
        value=False,
        key="exports_strict",
        help=_(
            "Off: amounts in their own currency always export, and a converted cell without a rate is left blank "
            "and flagged (fx_missing = true). On: the file is refused until every rate exists."
        ),
    )
    content: bytes | None = None
    missing: dict[str, list[str]] = {}
    if since > until:
        st.error(_("The period starts after it ends; pick a start date before the end date."))
    else:
        try:
            with st.spinner(_("Preparing the file...")):
                content, missing = export_file(db_key(), name, since, until, currency, bom, strict)
        except (ExportError, DomainError) as exc:
            st.error(error_text(exc))
    if missing:
        st.warning(
            _(
                "No FX rate for {pairs}: those converted cells are blank and flagged fx_missing = true; the amounts "
                "in their own currency are all there. Add the rates on the FX rates tab, or tick the box above to "
                "refuse the file instead.",
                pairs="; ".join(f"{pair} ({months_text(months)})" for pair, months in missing.items()),
            )
        )
    if content is not None:
        fname = file_name(name, since, until, currency)
        snapshotted = [m for m in closed_months(db_key()) if since <= m and month_end(m) <= until]
        if not EXPORTS[name].by_month and (since, until) != (month_start(since), month_end(since)):
            snapshotted = []  # the campaigns list comes from a snapshot only for exactly one closed month
        if snapshotted:
            st.info(
                _(
                    "Closed months {months} come from their close snapshots: the same bytes every time.",
                    months=", ".join(month_text(m) for m in snapshotted),
                )
            )
        frame = preview(name, content)
        if frame.empty:
            st.info(_("No rows in this period. Pick another period or sync the missing days on the Sync page."))
        else:
            provisional = provisional_rows(content)
            if provisional:
                st.warning(
                    _(
                        "{count} rows are provisional: they are inside Meta's 28-day restatement window and may "
                        "still change (provisional = true).",
                        count=number(provisional),
                    )
                )
            st.subheader(_("Totals"))
            totals = file_totals(name, content)
            st.dataframe(totals, hide_index=True, key="exports_totals", column_config=column_labels(totals.columns))
            st.subheader(_("First rows"))
            st.dataframe(frame, hide_index=True, key="exports_preview")

        def _audit_download(
            name: str = name,
            since=since,
            until=until,
            currency: str = currency,
            content: bytes = content,
            file_format: str = "csv",
        ) -> None:
            with session_scope() as s:
                record_export(s, actor, name, since, until, currency, content, file_format=file_format)

        # one row that wraps: each button as wide as its file name, never cut to "...IDR.x…"
        downloads = st.container(horizontal=True)
        downloads.download_button(
            _("Download {file}", file=fname),
            data=content,
            file_name=fname,
            mime="text/csv",
            key="exports_download",
            on_click=_audit_download,
            type="primary",
            help=_("The CSV file: exact amounts as text, for tools and the finance archive."),
        )
        try:
            workbook = export_xlsx(db_key(), name, since, until, currency, bom, strict)
        except (ExportError, DomainError) as exc:
            st.error(error_text(exc))
        else:
            xlsx_name = file_name(name, since, until, currency, "xlsx")
            downloads.download_button(
                _("Download {file}", file=xlsx_name),
                data=workbook,
                file_name=xlsx_name,
                mime=XLSX_MIME,
                key="exports_download_xlsx",
                on_click=_audit_download,
                kwargs={"content": workbook, "file_format": "xlsx"},
                help=_(
                    "For Excel in any language: the same rows, IDs and codes as text, amounts as numbers with the "
                    "currency's decimals, dates as dates."
                ),
            )

with tab_fx:
    st.write(
        _(
            "Each rate says how much one unit of the first currency is worth in the second on that date, e.g. "
            "1 USD = 16,250 IDR. Imports take the columns date,from,to,rate[,source]."
        )
    )
    can_edit = actor.can("fx.edit")
    if not can_edit:
        st.caption(_("Your role can read FX rates but is not permitted to change them."))
    else:
        with st.container(border=True):
            c1, c2, c3, c4 = st.columns(4)
            fx_day = date_field(_("Date"), value=last_month_end, key="exports_fx_date", container=c1)
            fx_from = c2.text_input(_("From"), value="USD", key="exports_fx_from")
            fx_to = c3.text_input(_("To"), value=info["reporting_currency"], key="exports_fx_to")
            fx_rate = rate_input(_("Rate"), key="exports_fx_rate", container=c4)
            if st.button(_("Save rate"), key="exports_fx_save"):
                if fx_rate is None or fx_day is None:
                    st.error(_("Type the date and the rate first."))
                else:
                    try:
                        with session_scope() as s:
                            row = set_rate(s, actor, fx_day, fx_from, fx_to, fx_rate)
                            pair = f"{row.from_currency}->{row.to_currency}"
                        clear_caches()
                        st.success(_("Saved {pair} on {day}.", pair=pair, day=fx_day))
                    except (DomainError, PermissionDenied) as exc:
                        st.error(error_text(exc))
        upload = st.file_uploader(_("Import FX rates from CSV"), type=["csv"], key="exports_fx_upload")
        fx_date_order = fx_decimal_mark = None
        if upload is not None:
            fx_date_order = date_order_select(
                date_order_needed(upload.getvalue()),
                key="exports_fx_date_order",
                help=_(
                    "The file's dates could be day first or month first: none has a day above 12 and its date "
                    "column is not headed Tanggal. Check a date you know, such as a month's last rate."
                ),
            )
            fx_decimal_mark = decimal_mark_select(
                decimal_mark_needed(upload.getvalue()),
                key="exports_fx_decimal_mark",
                help=_(
                    "Some rates could be read two ways (1.345 is 1.345 or 1345): no rate in the file shows its "
                    "decimal mark. Check a rate you know; a rate written with the other mark is rejected."
                ),
            )
        if upload is not None and st.button(_("Import rates"), key="exports_fx_import"):
            try:
                with session_scope() as s:
                    result = import_rates_csv(
                        s,
                        actor,
                        upload.getvalue(),
                        source=f"csv:{upload.name}",
                        date_order=fx_date_order,
                        decimal_mark=fx_decimal_mark,
                    )
                clear_caches()
                st.success(
                    _(
                        "FX rates: {created} added, {updated} updated, {rejected} rejected.",
                        created=number(result.created),
                        updated=number(result.updated),
                        rejected=number(len(result.errors)),
                    )
                )
                number_convention_caption(result.numbers)
                for note in result.dates:
                    st.caption(message_text(note))
                for warning in result.warnings:  # e.g. the last row may be cut: a warning, never a refusal
                    st.warning(message_text(warning))
                for line, problem in result.problems:
                    st.error(_("Row {row}: {reason}", row=line, reason=message_text(problem)))
            except (DomainError, PermissionDenied) as exc:
                st.error(error_text(exc))
    if actor.can("settings.manage"):
        with st.expander(_("Finance settings (admin)")), st.form("exports_settings_form"):
            new_currency = st.text_input(
                _("Reporting currency"),
                value=info["reporting_currency"],
                key="exports_set_currency",
                help=_(
                    "An ISO 4217 code such as IDR or USD. Not set, it follows the ad accounts' main currency: the one "
                    "with the most ad spend over the last 90 days, else the most common account currency, else USD."
                ),
            )
            new_policy = st.selectbox(
                _("FX policy"),
                POLICIES,
                index=POLICIES.index(info["fx_policy"]),
                key="exports_set_policy",
                format_func=lambda code: label("fx_policy", code),
            )
            new_recognition = st.selectbox(
                _("Influencer fee recognition"),
                RECOGNITION,
                index=RECOGNITION.index(info["fee_recognition"]),
                key="exports_set_recognition",
                format_func=lambda code: label("recognition", code),
            )
            if st.form_submit_button(_("Save settings"), key="exports_set_save"):
                try:
                    code = currency_code(new_currency)
                except CurrencyError as exc:
                    st.error(error_text(exc))
                else:
                    with session_scope() as s:
                        for key, value in (
                            ("reporting_currency", code),
                            ("fx_policy", new_policy),
                            ("fee_recognition", new_recognition),
                        ):
                            if value != info[key]:
                                set_setting(s, actor, key, value)
                    clear_caches()
                    st.rerun()
    rates = rates_table(db_key(), today() - dt.timedelta(days=120))
    if rates.empty:
        st.info(
            _(
                "No FX rates recorded by finance yet: exports and totals convert at the ECB reference rates "
                "(about 30 currencies such as USD, EUR, SGD and MYR; not VND or AED). Add your own rates above or "
                "import a CSV (JISDOR or your bank's) to use them instead."
            )
        )
    else:
        rates = rates.assign(source=[fx_rate_source(code) for code in rates["source"]])  # cached with the codes
        dated_table(rates, page_column_labels(rates.columns), key="exports_fx_table")

with tab_close:
    st.write(
        _(
            "A closed month's exports are snapshots: the same bytes every time, whatever Meta restates later. "
            "The difference report shows what changed since the close."
        )
    )
    months = [month_start(last_month_end)]
    for _i in range(11):
        months.append(month_start(months[-1] - dt.timedelta(days=1)))
    month = st.selectbox(_("Month"), months, format_func=month_text, key="exports_close_month")
    closes = closes_table(db_key())
    row = closes[closes["month"] == month] if not closes.empty else closes
    locked = not row.empty and row.iloc[0]["status"] == "locked"
    if not actor.can("period.close"):
        st.caption(_("Your role is not permitted to close or reopen months."))
    elif locked:
        reason = st.text_input(_("Reason for reopening"), key="exports_reopen_reason")
        if st.button(_("Reopen {month}", month=month_text(month)), key="exports_reopen"):
            try:
                with session_scope() as s:
                    reopen_month(s, actor, month, reason)
                clear_caches()
                st.rerun()
            except (CloseError, PermissionDenied) as exc:
                st.error(error_text(exc))
    else:
        if st.button(_("Close {month}", month=month_text(month)), key="exports_close", type="primary"):
            try:
                with st.status(_("Snapshotting every export..."), expanded=False), session_scope() as s:
                    close_month(s, actor, month, today=today())
                clear_caches()
                st.rerun()
            except (CloseError, DomainError, PermissionDenied) as exc:
                st.error(error_text(exc))
    if closes.empty:
        st.info(_("No month is closed yet. Close last month once its figures are final."))
    else:
        shown = closes.assign(
            month=day_values(closes["month"]).set_axis(closes.index),
            status=[label("period_close_status", v) for v in closes["status"]],
            at=moment_values(closes["at"]).set_axis(closes.index),
        )
        dated_table(shown, column_labels(closes.columns), months=("month",), key="exports_closes")
    if locked:
        st.subheader(_("Changes since the close"))
        try:
            diff = differences(db_key(), month)
        except CloseError as exc:
            st.error(error_text(exc))
        else:
            if diff.empty:
                st.success(_("Nothing changed since {month} was closed.", month=month_text(month)))
            else:
                st.dataframe(
                    differences_shown(diff),
                    hide_index=True,
                    key="exports_differences",
                    column_config=page_column_labels(diff.columns),
                )


def amount(value, currency: str) -> str:
    """An amount beside its currency code, grouped in the user's locale with the currency's decimals."""
    return number(value, precision(currency))


def _meta_account_spend():
    """Meta's account-level spend call, when a token is configured."""
    from campaigns.meta_client import MetaError
    from campaigns.meta_connection import account_spend, resolve_token

    try:
        return account_spend if resolve_token() else None
    except MetaError:
        return None


with tab_reconcile:
    spend_call = _meta_account_spend()
    if spend_call is None:
        st.info(
            _(
                "Reconciliation compares spend summed from daily insights with Meta's account-level spend. "
                "Connect Meta (an access token in Settings) to use it."
            )
        )
    else:
        r_month = st.selectbox(_("Month"), months, format_func=month_text, key="exports_reconcile_month")
        if st.button(_("Reconcile {month}", month=month_text(r_month)), key="exports_reconcile"):
            status = st.status(_("Asking Meta for each account's spend..."), expanded=False)
            with status, session_scope() as s:
                results = reconcile_month(s, r_month, spend_call)
            for item in results:
                label = f"{item.account_name} ({item.account_id}) {month_text(month_start(item.since))}"
                if item.status == "match":
                    st.success(
                        _(
                            "{label}: matches Meta ({amount} {cur}).",
                            label=label,
                            amount=amount(item.insights_spend, item.currency),
                            cur=item.currency,
                        )
                    )
                else:
                    st.warning(
                        _(
                            "{label}: insights {ours} vs Meta {theirs} {cur} (difference {diff}).",
                            label=label,
                            ours=amount(item.insights_spend, item.currency),
                            theirs=amount(item.meta_spend, item.currency) if item.meta_spend is not None else "?",
                            cur=item.currency,
                            diff=amount(item.difference, item.currency) if item.difference is not None else "?",
                        )
                    )
                    for note in item.explanations:
                        st.write("- " + note)
        st.caption(_("Months end on {day}.", day=date_text(month_end(r_month))))
