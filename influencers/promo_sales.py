"""Promo code sales: the shop's orders and net sales per collaboration's promo code, imported from a shop's report
(Shopify "Sales by discount", a WooCommerce orders export, a hand-made `code,date,orders,revenue` file), stored by
day or period (`PromoSale`) and listed per creator. ROI counts them (`influencers.roi`); the rules are in
docs/influencers.md, "Promo code sales", and the file shapes in docs/file-formats.md.

- A code matches a collaboration of the chosen program by `code_key` (trimmed, case-insensitive): the one rule.
- Revenue is the shop's **net sales** (gross sales less discounts and returns, before tax and shipping), as GRIN
  counts a creator's sales; a file with gross sales and discounts gives net = gross - discounts - returns; a file
  with only total sales (tax and shipping included) is refused.
- Amounts are read in the program's currency (one number rule per file, `campaigns.number_rule`, or the decimal
  mark the person chose: `decimal_mark`); a row whose
  currency (a currency column, or the revenue header's `(USD)`) is not its collaboration's is refused naming it.
- Every file is one shop's (`shop=`, a code of `SHOPS`: Shopee, Tokopedia, TikTok Shop, ...; `shop_code` reads
  it). A re-import replaces the program's stored sales **of that shop** in the period the file covers (its first
  to its last day, or the dates chosen), so importing a file twice, or the same sales split another way, never
  counts twice; the other shops' sales of the period stay and add up (a creator's code sells on several shops).
- Rows of the same collaboration and period are added up (an orders export has a row per order).
- A file whose order number repeats is read as **order lines** (Shopee's and TikTok Shop's order exports hold a row
  per product line): each order counts once, and its code, day and status must be the same on each of its lines
  (a line that differs is refused naming the row it differs from). Which kind of amount a column is, is said, never
  guessed: `net` (and `gross`, `discounts`, `returns`) is the order's amount, the same on each of its lines and
  counted once (a line that differs is refused, saying to map the column as `line_net`); `line_net` is each
  line's own net sales, added up over the order's lines. Both kinds at once are refused.
- Columns are found by their header names (`HEADERS`), or by the person's mapping first (`mapping=`, the one rule
  of `db.column_map`: a page's column pickers, the command line's `--map "Header=field"`), so a Shopee, Tokopedia
  or TikTok Shop order export reads once its order number, day, code and net sales columns are named. A column
  mapped to `ignore` is not read.
- A status column (`Order Status`, `Status Pesanan`) skips orders that are no sale (cancelled, refunded or
  returned, failed, unpaid: `NOT_SOLD`), counted in `not_sold`.
- A code no creator of the program has is reported by row and left out; any other problem refuses the whole file
  (nothing half-written: a period must not lose a creator's sales because one row was unreadable).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from campaigns.number_rule import (
    DECIMAL_MARKS,
    NOT_A_DECIMAL_MARK,
    NumberRule,
    NumberTexts,
    checked_figure,
    decide,
)
from db import audit, column_map
from db.calendar import month_end
from db.errors import N_, Amount, Codes, Day, DomainError, FieldErrors, Message, NotFound, joined
from db.locks import write_turn
from db.money import currency_code, is_currency
from db.parse import (
    DATE_ORDERS,
    NOT_A_DATE_ORDER,
    DateOrder,
    DateOrderCode,
    ParseError,
    date_order_fix,
    dates_read,
    decide_date_order,
    is_blank,
    parse_amount,
    parse_count,
    parse_date,
    parse_date_with_time,
)
from db.roles import Actor, require
from db.tabular import (
    Row,
    Table,
    TabularError,
    header_key,
    looks_like_total,
    split_currency,
    unterminated_warning,
)
from db.types import utcnow
from influencers.models import SHOPS, Collaboration, Influencer, Program, PromoSale

# Header names of each column (header_key form: lower case, spaces collapsed), English and Bahasa Indonesia. The
# Bahasa spellings of Shopify's report are assumed (Shopify's admin in Bahasa Indonesia), see docs/file-formats.md.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": (
        "discount code",
        "discount_code",
        "code",
        "promo code",
        "promo_code",
        "coupon code",
        "coupon",
        "coupons",
        "coupon(s)",
        "voucher code",
        "kode diskon",
        "kode promo",
        "kode voucher",
        "kode kupon",
        "kupon",
        "kode",
    ),
    "name": ("discount name", "nama diskon"),
    "day": ("day", "date", "order date", "date created", "hari", "tanggal", "tanggal pesanan"),
    "month": ("month", "bulan"),
    "orders": ("orders", "order count", "orders count", "pesanan", "jumlah pesanan"),
    "order_id": ("order #", "order id", "order number", "nomor pesanan", "no. pesanan"),
    "net": ("net sales", "net_sales", "net revenue", "revenue", "penjualan bersih", "pendapatan", "pendapatan bersih"),
    # each product line's own net sales: TikTok Shop's order export writes a row per SKU of an order, its
    # `SKU Subtotal After Discount` being that SKU's (docs/file-formats.md, "Promo code sales files")
    "line_net": ("sku subtotal after discount",),
    "gross": ("gross sales", "gross_sales", "penjualan kotor"),
    "discounts": ("discounts", "discount amount", "diskon"),
    "returns": ("returns", "pengembalian"),
    "total": ("total sales", "total_sales", "total penjualan"),
    "currency": ("currency", "mata uang"),
    "status": ("status", "order status", "status pesanan"),
}
BAHASA_HEADERS = frozenset(
    {
        "kode diskon",
        "kode promo",
        "kode voucher",
        "kode kupon",
        "kupon",
        "kode",
        "nama diskon",
        "hari",
        "tanggal",
        "tanggal pesanan",
        "bulan",
        "pesanan",
        "jumlah pesanan",
        "nomor pesanan",
        "no. pesanan",
        "penjualan bersih",
        "pendapatan",
        "pendapatan bersih",
        "penjualan kotor",
        "diskon",
        "pengembalian",
        "total penjualan",
        "mata uang",
        "status pesanan",
    }
)
_FIELD_BY_HEADER = {name: key for key, names in HEADERS.items() for name in names}
ORDER_AMOUNTS = ("net", "gross", "discounts", "returns")  # an order's amounts: the same on each of its lines
LINE_AMOUNTS = ("line_net",)  # a product line's own amount: added up over the order's lines
AMOUNT_FIELDS = (*ORDER_AMOUNTS, *LINE_AMOUNTS)
FIELDS = tuple(HEADERS)  # what a column may be mapped to (and `ignore`)
# An order status saying the order is no sale (cancelled, refunded or returned, failed, unpaid), in the words
# of Shopee, Tokopedia, TikTok Shop, Shopify and WooCommerce (English and Bahasa Indonesia); compared as parts of
# the status, case-insensitively: `Cancelled`, `Batal`, `Dibatalkan`, `Pengembalian Barang/Dana`, `Refunded`.
NOT_SOLD = (
    "cancel",
    "batal",
    "refund",
    "return",
    "pengembalian",
    "dikembalikan",
    "fail",
    "gagal",
    "unpaid",
    "belum bayar",
    "belum dibayar",
    "pending payment",
    "menunggu pembayaran",
)

# The import's refusals (English templates; pages translate them)
NO_CODE_COLUMN = N_(
    "the file needs a discount code column (Discount code, Coupon code, code or kode promo); or say which column "
    "holds the codes: --map COLUMN=code"
)
NO_CODE_COLUMN_PAGE = N_(
    "the file needs a promo code column: choose Promo code for the column holding the codes in the list of columns"
)
NO_ORDERS_COLUMN = N_(
    "the file needs an orders column (Orders, pesanan) or an order number column (Order #); or say which column "
    "holds them: --map COLUMN=orders, or --map COLUMN=order_id for a file with a row per order or per product line"
)
NO_ORDERS_COLUMN_PAGE = N_(
    "the file needs an orders column or an order number column: choose Orders (a count) or Order number (a file "
    "with a row per order or per product line) for one of its columns in the list of columns"
)
NO_REVENUE_COLUMN = N_(
    "the file needs a net sales column (Net sales, revenue, penjualan bersih), or gross sales; or say which column "
    "holds them: --map COLUMN=net for the order's net sales, --map COLUMN=line_net for each product line's"
)
NO_REVENUE_COLUMN_PAGE = N_(
    "the file needs a net sales column, or gross sales: choose Net sales (the order's) or Net sales per line (each "
    "product line's) for one of its columns in the list of columns"
)
BOTH_AMOUNT_KINDS = N_(
    "columns '{order}' (an amount per order) and '{line}' (net sales per line) both give the sales; the sales are "
    'read one way: map one of them to ignore (--map "{line}=ignore" or --map "{order}=ignore")'
)
BOTH_AMOUNT_KINDS_PAGE = N_(
    "columns '{order}' (an amount per order) and '{line}' (net sales per line) both give the sales; the sales are "
    "read one way: choose Do not import for one of them in the list of columns"
)
ONLY_TOTAL_SALES = N_(
    "the file has total sales only, which include tax and shipping; export the report with its Net sales column"
)
SALES_OF_PROGRAM = N_("This program's promo code sales from the same shop")
NO_PERIOD = N_("the file has no day or month column: choose the first and last day of the sales it holds")
NO_PERIOD_PAGE = N_(
    "the file has no day or month column: choose Day (or Month) for one of its columns in the list of columns, or "
    "choose the first and last day of the sales it holds"
)
NO_SHOP = N_("say which shop the sales are from: one of {codes}")
UNKNOWN_SHOP = N_("{value} is not a shop; use one of {codes}")
BAD_PERIOD = N_("the period's last day {end} is before its first day {start}")
UNKNOWN_CODE = N_("no creator in this program has the code {code}")
TWO_CREATORS_CODE = N_("the code {code} is given to more than one creator of this program")
SEVERAL_CODES = N_("the row names codes of several creators ({codes}); give each order one creator's code")
WRONG_CURRENCY = N_("these sales are in {currency}; {influencer}'s collaboration is in {expected}")
NOT_A_CURRENCY = N_("{value} is not a currency code (use a code like IDR or USD)")
OUTSIDE_PERIOD = N_("{day} is outside the period chosen ({start} to {end})")
CODE_DIFFERS = N_("the promo code differs from row {row}'s for the same order {order}")
DAY_DIFFERS = N_("the day differs from row {row}'s for the same order {order}")
STATUS_DIFFERS = N_("the order status differs from row {row}'s for the same order {order}")
NET_DIFFERS = N_(
    "the net sales differ from row {row}'s for the same order {order} ({value} here, {first} there): net sales "
    "are read as the order's, the same on each of its lines; if this column holds each product line's own amount, "
    "map it as net sales per line: --map COLUMN=line_net"
)
NET_DIFFERS_PAGE = N_(
    "the net sales differ from row {row}'s for the same order {order} ({value} here, {first} there): net sales "
    "are read as the order's, the same on each of its lines; if this column holds each product line's own amount, "
    "choose Net sales per line for it in the list of columns"
)
PART_DIFFERS = N_(
    "this amount differs from row {row}'s for the same order {order} ({value} here, {first} there): gross sales, "
    "discounts and returns are read as the order's, the same on each of its lines; for a file with each product "
    "line's own amounts, map the line's net sales as net sales per line instead: --map COLUMN=line_net"
)
PART_DIFFERS_PAGE = N_(
    "this amount differs from row {row}'s for the same order {order} ({value} here, {first} there): gross sales, "
    "discounts and returns are read as the order's, the same on each of its lines; for a file with each product "
    "line's own amounts, choose Net sales per line for the column of each line's net sales instead"
)
OVERLAPS = N_("{influencer}'s sales of {start} to {end} overlap those of row {row}")
NOT_A_MONTH = N_("{value} is not a month; type it like 2026-11 or November 2026")
STORED_ACROSS = N_(
    "{influencer}'s sales of {start} to {end} are stored as one period that this file covers only in part "
    "({first} to {last}); import a file that covers that whole period"
)
MIXED_NUMBERS = N_(
    "{value} cannot be read safely: this file writes figures both ways ({dot} in row {dot_row}, {comma} in row "
    "{comma_row}); export the sales report again with one number format."
)
AMBIGUOUS_FIGURE = N_(
    "{value} could be {small} or {large}: this file writes '{mark}' as its decimal mark ({reason}), but {kind} "
    "have no decimals; write the figure without thousands separators or in the same format as the file's other "
    "figures, or {fix}."
)
NUMBER_TEXTS = NumberTexts(mixed=MIXED_NUMBERS, ambiguous=AMBIGUOUS_FIGURE, choice=True)
DATE_FIELDS = ("day", "month")  # the columns whose numeric dates need an order

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SLASH_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


def shop_code(text: str | None) -> str:
    """The shop code `text` names (`SHOPS`): trimmed, case-insensitive, a space or hyphen read as `_` (`TikTok
    Shop`, `tiktok-shop` -> `tiktok_shop`); FieldErrors on `shop` naming the codes when it is missing or none."""
    codes = Codes("shop", SHOPS)
    folded = "_".join((text or "").strip().casefold().replace("-", " ").split())
    if not folded:
        raise FieldErrors({"shop": Message(NO_SHOP, {"codes": codes})})
    if folded not in SHOPS:
        raise FieldErrors({"shop": Message(UNKNOWN_SHOP, {"value": (text or "").strip()[:40], "codes": codes})})
    return folded


# Header sets that say which shop wrote the file (header_key form, any one spelling of each): the shapes whose
# headers the vocabulary knows whole (docs/file-formats.md). The marketplaces' exports are not recognised by their
# headers, so they suggest no shop.
SHOP_SHAPES: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = (
    (
        "shopify",
        (
            frozenset({"discount name", "nama diskon"}),
            frozenset({"discount code", "kode diskon"}),
            frozenset({"total sales", "total penjualan"}),
        ),
    ),
    ("woocommerce", (frozenset({"order #"}), frozenset({"coupon(s)"}), frozenset({"customer type"}))),
)


def suggested_shop(data: bytes, file_name: str = "sales.csv") -> str | None:
    """The shop whose report the file's headers are (`SHOP_SHAPES`: a Shopify "Sales by discount" report ->
    `shopify`, a WooCommerce orders export -> `woocommerce`), else None: a suggestion for the page, never a
    choice made for the person."""
    try:
        table = column_map.read_mapped_table(data, file_name, _recognised)
    except TabularError:
        return None
    keys = {split_currency(header_key(h))[0] for h in table.header}
    for shop, needed in SHOP_SHAPES:
        if all(keys & names for names in needed):
            return shop
    return None


def code_key(code: str) -> str:
    """The one rule by which a file's code matches a collaboration's promo code: trimmed, case-insensitive."""
    return code.strip().casefold()


def column_field(header: str) -> tuple[str | None, str | None]:
    """The field a header names and the currency its `(USD)` suffix gives: `Net sales (IDR)` -> (net, IDR)."""
    name, currency = split_currency(header_key(header))
    return _FIELD_BY_HEADER.get(name), currency


@dataclass(frozen=True)
class SaleChange:
    """The sales one collaboration and period get from the file (the rows added up)."""

    collaboration_id: int
    influencer: str
    code: str  # as the file wrote it (its first row)
    period_start: dt.date
    period_end: dt.date
    orders: int
    revenue: Decimal
    currency: str
    rows: tuple[int, ...]  # the file's lines


@dataclass
class PromoSalesImport:
    """What a file gives (or, in a dry run, would give): the sales per collaboration and period, and why rows
    were left out. `problems` are (row, field, reason); `refused` when a problem other than an unknown code
    stops the whole file (then nothing is written)."""

    file_name: str
    shop: str = "other"  # the shop the file's sales are from (a code of SHOPS)
    sales: list[SaleChange] = field(default_factory=list)
    rows: int = 0  # data rows read into `sales` (an order-lines file: its lines)
    order_lines: bool = False  # an order number repeats: the file has a row per product line of each order
    unmatched: int = 0  # rows whose code no creator of the program has (reported, left out)
    rejected: int = 0  # rows with any other problem (they refuse the file)
    totals: int = 0  # totals rows (`Total`, `Jumlah`), skipped
    without_code: int = 0  # rows without a promo code (an order, an automatic discount), skipped
    not_sold: int = 0  # orders whose status says cancelled, refunded, returned, failed or unpaid, skipped
    problems: list[tuple[int, str, Message]] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    numbers: NumberRule | None = None
    dates: list[Message] = field(default_factory=list)  # how each date column's order was decided
    span: tuple[dt.date, dt.date] | None = None  # the period the file replaces
    replaced: int = 0  # stored rows of that shop and period the import replaced (or would replace)
    other_shops: int = 0  # stored rows of the program's other shops in that period: they stay
    written: bool = False

    @property
    def refused(self) -> bool:
        return self.rejected > 0

    @property
    def orders(self) -> int:
        return sum(s.orders for s in self.sales)


@dataclass
class _Columns:
    positions: dict[str, int]
    currency: str | None  # a revenue header's `(CUR)` suffix

    def text(self, row: Row, name: str) -> str:
        position = self.positions.get(name)
        return row.cells[position].strip() if position is not None else ""

    def typed(self, row: Row, name: str) -> bool:
        """Whether the cell is a workbook number cell (`db.tabular.Row.numbers`), read as the number it holds."""
        position = self.positions.get(name)
        return position is not None and position in row.numbers


def take_sales_turn(session: Session, program_id: int, shop: str) -> None:
    """Wait for, then hold until the transaction ends, the one turn of writing the program's sales in `shop`
    (`db.locks.write_turn`): every import and move of those sales takes it before reading what it replaces."""
    write_turn(session, f"promo-sales/{program_id}/{shop}", Message(SALES_OF_PROGRAM))


def _recognised(header: str) -> str | None:
    return column_field(header)[0]


def _amount_kind(name: str | None) -> str | None:
    return "line" if name in LINE_AMOUNTS else "order" if name in ORDER_AMOUNTS else None


def _columns(table: Table, mapping: dict[str, str]) -> _Columns:
    header_map, _unused = column_map.recognise_columns(table.header, mapping, _recognised)
    # the person says which kind of amount the sales are: a mapped column of one kind leaves a recognised column of
    # the other unread (a TikTok Shop `SKU Subtotal After Discount` once an order's amount is mapped as net sales)
    explicit = {column_map.column_key(k): v for k, v in mapping.items()}
    said = {_amount_kind(v) for v in explicit.values()} - {None}
    for header, field_name in list(header_map.items()):
        kind = _amount_kind(field_name)
        if kind and said and kind not in said and column_map.column_key(header) not in explicit:
            del header_map[header]
    positions: dict[str, int] = {}
    currency = None
    for position, header in enumerate(table.header):
        name = header_map.get(header)
        if name is None or name in positions:
            continue
        positions[name] = position
        suffix = column_field(header)[1]
        if name in AMOUNT_FIELDS and suffix and currency is None:
            currency = suffix
    if "code" not in positions and "name" in positions:
        positions["code"] = positions["name"]  # Shopify names a code discount by its code
    if "code" not in positions:
        raise FieldErrors({"file": Message(NO_CODE_COLUMN, page_text=NO_CODE_COLUMN_PAGE)})
    if "orders" not in positions and "order_id" not in positions:
        raise FieldErrors({"file": Message(NO_ORDERS_COLUMN, page_text=NO_ORDERS_COLUMN_PAGE)})
    order_amount = next((table.header[p] for n, p in positions.items() if n in ORDER_AMOUNTS), None)
    line_amount = next((table.header[p] for n, p in positions.items() if n in LINE_AMOUNTS), None)
    if order_amount is not None and line_amount is not None:
        params = {"order": order_amount[:60], "line": line_amount[:60]}
        raise FieldErrors({"file": Message(BOTH_AMOUNT_KINDS, params, page_text=BOTH_AMOUNT_KINDS_PAGE)})
    if "net" not in positions and "gross" not in positions and "line_net" not in positions:
        if "total" in positions:
            raise FieldErrors({"file": Message(ONLY_TOTAL_SALES)})
        raise FieldErrors({"file": Message(NO_REVENUE_COLUMN, page_text=NO_REVENUE_COLUMN_PAGE)})
    return _Columns(positions, currency)


def file_columns(data: bytes, file_name: str = "sales.csv", *, samples: int = 3) -> list[column_map.FileColumn]:
    """The file's columns (its header row found as the import finds it without a mapping), each once, with the
    field its name is recognised as and sample values, so a page can offer a field for each."""
    try:
        table = column_map.read_mapped_table(data, file_name, _recognised)
    except TabularError as exc:
        raise FieldErrors({"file": exc.message}) from None
    return column_map.file_columns(table, _recognised, samples=samples)


def not_sold(status: str) -> bool:
    """Whether an order status says the order is no sale (`NOT_SOLD`): cancelled, refunded, returned, failed."""
    folded = " ".join(status.casefold().split())
    return any(word in folded for word in NOT_SOLD)


def _language(header: Sequence[str]) -> str:
    keys = [split_currency(header_key(h))[0] for h in header]
    bahasa = sum(1 for k in keys if k in BAHASA_HEADERS)
    english = sum(1 for k in keys if k in _FIELD_BY_HEADER and k not in BAHASA_HEADERS)
    return "id" if bahasa > english else "en"


def _number_rule(table: Table, columns: _Columns, currency: str, chosen: str | None = None) -> NumberRule:
    """The file's one number convention (`campaigns.number_rule.decide`) from its orders and amounts: the decimal
    mark `chosen` by the person, else the one a figure proves, else the header language's."""
    figures: list[tuple[str, str | None]] = []
    for name, position in columns.positions.items():
        if name in AMOUNT_FIELDS:
            figures.append((table.keys[position], currency))
        elif name == "orders":
            figures.append((table.keys[position], None))
    return decide(table, figures, _language(table.header), NUMBER_TEXTS, chosen=chosen)


def read_month(text: str, locale: str | None, order: DateOrderCode | None = None) -> dt.date:
    """The first day of the month `text` names: `2026-11`, `11/2026`, `November 2026`, `Nov 2026`, `Januari 2026`,
    or any date of it (`2026-11-01`, `03/11/2026` in `order`, else the locale's)."""
    if match := _ISO_MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := _SLASH_MONTH.match(text):
        month, year = int(match.group(1)), int(match.group(2))
    else:
        try:
            day = parse_date_with_time(text, locale, order=order)
        except ParseError:
            try:
                day = parse_date(f"1 {text}", locale)
            except ParseError:
                raise ParseError(Message(NOT_A_MONTH, {"value": text[:40]})) from None
        return dt.date(day.year, day.month, 1)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ParseError(Message(NOT_A_MONTH, {"value": text[:40]}))
    return dt.date(year, month, 1)


def read_day(text: str, locale: str | None, order: DateOrderCode | None = None) -> dt.date:
    """A day as shop exports write it, the order's time dropped (`db.parse.parse_date_with_time`): `2026-11-03`,
    `2026-11-03 14:22:10`, `03/11/2026 10:12:31 AM` (numeric dates in `order`, else the locale's)."""
    return parse_date_with_time(text, locale, order=order)


def _date_orders(table: Table, columns: _Columns, chosen: DateOrderCode | None) -> dict[str, DateOrder]:
    """The order of each date column's numeric dates, decided once per column (`db.parse.decide_date_order`):
    its values, else the file's language (Bahasa Indonesia headers: day first; English headers do not say),
    else the person's `chosen` order. Rows the reader flagged (cut off, too many cells) take no part."""
    locale = "id" if _language(table.header) == "id" else None
    fix = date_order_fix()
    orders: dict[str, DateOrder] = {}
    for name in DATE_FIELDS:
        position = columns.positions.get(name)
        if position is None:
            continue
        cells = [(row.line, row.cells[position]) for row in table.rows if not row.problems]
        header = table.header[position][:60]
        orders[name] = decide_date_order(cells, column=header, locale=locale, chosen=chosen, fix=fix)
    return orders


def _dates_read(table: Table, columns: _Columns, orders: dict[str, DateOrder]) -> list[Message]:
    notes = [dates_read(decided, table.header[columns.positions[name]][:60]) for name, decided in orders.items()]
    return [note for note in notes if note is not None]


def date_order_needed(data: bytes, file_name: str = "sales.csv", mapping: dict[str, str] | None = None) -> bool:
    """Whether the file's day or month column holds numeric dates that neither its values (a part above 12) nor
    its language decide (`03/11/2026` in an English file): a page then asks for the date order. False for a file
    the import refuses anyway (the import says why)."""
    try:
        mapping = column_map.check_mapping(mapping, FIELDS)
        table = column_map.read_mapped_table(data, file_name, _recognised, mapping)
        columns = _columns(table, mapping)
    except (TabularError, DomainError):
        return False
    return any(decided.needs_choice for decided in _date_orders(table, columns, None).values())


def decimal_mark_needed(
    data: bytes, file_name: str = "sales.csv", mapping: dict[str, str] | None = None, *, currency: str
) -> bool:
    """Whether the file has an orders count or an amount refused for reading two ways (`150.000` IDR under English
    headers: 150 or 150000) when no choice is made: a page then asks for the decimal mark. `currency` is the
    program's (a row's currency column, or the revenue header's `(USD)`, wins as the import reads it). False for a
    file the import refuses anyway, and for one whose figures prove both marks (refused as mixed)."""
    try:
        mapping = column_map.check_mapping(mapping, FIELDS)
        table = column_map.read_mapped_table(data, file_name, _recognised, mapping)
        columns = _columns(table, mapping)
    except (TabularError, DomainError):
        return False
    rule = _number_rule(table, columns, columns.currency or currency)
    if rule.mixed is not None:
        return False
    amounts = [name for name in columns.positions if name in AMOUNT_FIELDS]
    for row in table.rows:
        if row.problems or all(is_blank(cell) for cell in row.cells):
            continue
        if not columns.text(row, "code") or not_sold(columns.text(row, "status")):
            continue
        figures: list[tuple[str, str | None]] = [("orders", None)]
        row_currency = _row_currency(row, columns, currency, {})
        if row_currency is not None:
            figures += [(name, row_currency) for name in amounts]
        for name, code in figures:
            text = columns.text(row, name)
            typed = columns.typed(row, name)
            problem = checked_figure(text, code, rule, NUMBER_TEXTS, typed=typed)[1] if text else None
            if problem is not None and problem.text == AMBIGUOUS_FIGURE:
                return True
    return False


def _program_codes(session: Session, program_id: int) -> dict[str, list[Collaboration]]:
    stmt = select(Collaboration).where(Collaboration.program_id == program_id, Collaboration.promo_code.is_not(None))
    codes: dict[str, list[Collaboration]] = {}
    for collab in session.scalars(stmt):
        key = code_key(collab.promo_code or "")
        if key:
            codes.setdefault(key, []).append(collab)
    return codes


@dataclass
class _Order:
    """An order of an order-lines file as its first line gives it: what each further line must repeat."""

    line: int
    code: str  # code_key of its code cell
    status: str  # its status, white space folded, case-insensitive
    period: tuple[dt.date, dt.date] | None = None  # once its first line's day is read
    amounts: dict[str, Decimal] | None = None  # its order amounts (net, gross, ...), once read


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class _Sum:
    collab: Collaboration
    code: str
    orders: int = 0
    revenue: Decimal = Decimal(0)
    rows: list[int] = field(default_factory=list)


def import_promo_sales(
    session: Session,
    actor: Actor,
    program_id: int,
    data: bytes,
    *,
    shop: str,
    file_name: str = "sales.csv",
    period: tuple[dt.date, dt.date] | None = None,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    date_order: DateOrderCode | None = None,
    decimal_mark: str | None = None,
) -> PromoSalesImport:
    """Read a shop's sales by promo code (CSV/TSV/XLSX/XLS through `db.tabular.read_table`) for one program and,
    unless `dry_run` or a row refuses the file, replace the program's stored sales of `shop` (a code of `SHOPS`,
    read by `shop_code`; required) in the period the file covers (`period` when given, which a file without a day
    or month column needs; else its first to its last day) in the caller's transaction, audited; the other
    shops' sales stay. `mapping` ({file header: field of `FIELDS`, or `ignore`}) says which column
    is which before the header vocabulary does (`db.column_map`); a field it names that is no field is refused
    (`MappingError`). Numeric dates are read in the order each date column's values or the file's language
    decide (`db.parse.decide_date_order`), else in `date_order` (`dmy`, `mdy`): a file whose dates read both ways
    and whose headers do not say is refused naming the column until it is given. `decimal_mark` (`.` or `,`: the
    person's choice) wins over the figures and the headers: every count and amount is read with it (`150.000` with
    `,` is 150000, with `.` 150), and a figure proving the other mark (`1.250,50` when `.` was chosen) is refused by
    row (`decimal_mark_needed` says when a page should ask). See the module docstring for the rules."""
    require(actor, "program.edit")
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound(N_("Program #{id} does not exist."), id=program_id)
    shop = shop_code(shop)
    if period is not None and period[1] < period[0]:
        raise FieldErrors({"period": Message(BAD_PERIOD, {"start": Day(period[0]), "end": Day(period[1])})})

    if date_order is not None and date_order not in DATE_ORDERS:
        raise FieldErrors({"date_order": Message(NOT_A_DATE_ORDER, {"value": str(date_order)[:20]})})
    if decimal_mark is not None and decimal_mark not in DECIMAL_MARKS:
        raise FieldErrors({"decimal_mark": Message(NOT_A_DECIMAL_MARK, {"value": str(decimal_mark)[:20]})})
    mapping = column_map.check_mapping(mapping, FIELDS)
    try:
        table = column_map.read_mapped_table(data, file_name, _recognised, mapping)
    except TabularError as exc:
        raise FieldErrors({"file": exc.message}) from None
    columns = _columns(table, mapping)
    dated = "day" in columns.positions or "month" in columns.positions
    if not dated and period is None:
        raise FieldErrors({"file": Message(NO_PERIOD, page_text=NO_PERIOD_PAGE)})
    date_orders = _date_orders(table, columns, date_order)
    undecided = {name: decided.problem for name, decided in date_orders.items() if decided.problem is not None}
    if undecided:
        raise FieldErrors(undecided)
    currency = program.currency
    rule = _number_rule(table, columns, columns.currency or currency, decimal_mark)
    report = PromoSalesImport(
        file_name=file_name, shop=shop, numbers=rule, dates=_dates_read(table, columns, date_orders)
    )
    if (warning := unterminated_warning(table)) is not None:
        report.warnings.append(warning)
    codes = _program_codes(session, program_id)
    sums: dict[tuple[int, dt.date, dt.date], _Sum] = {}
    orders_seen: dict[str, _Order] = {}
    by_number = "order_id" in columns.positions and "orders" not in columns.positions
    for table_row in table.rows:
        line = table_row.line
        if all(is_blank(cell) for cell in table_row.cells):
            continue
        code_text = columns.text(table_row, "code")
        first = table_row.cells[0] if table_row.cells else ""
        if (looks_like_total(code_text) or looks_like_total(first)) and code_key(code_text) not in codes:
            report.totals += 1
            continue
        status = columns.text(table_row, "status")
        number = columns.text(table_row, "order_id") if by_number and not table_row.problems else ""
        order = orders_seen.get(number) if number else None  # the order of an earlier line (an order-lines file)
        if order is not None:
            report.order_lines = True
            differs = _order_differs(order, number, code_text, status)
            if differs:
                report.rejected += 1
                report.problems += [(line, f, r) for f, r in differs.items()]
                continue
        elif number:
            order = orders_seen[number] = _Order(line, code_key(code_text), _folded(status))
        first_line = order is None or order.line == line
        if not table_row.problems and not_sold(status):
            if first_line:
                report.not_sold += 1  # a cancelled, refunded or unpaid order: no sale, its cells are not read
            continue
        problems: dict[str, str | Message] = {}
        if table_row.problems:  # a row cut off or with more cells than the header is refused whole
            problems["row"] = joined(list(table_row.problems))
        if not code_text and not problems:
            report.without_code += 1
            continue
        written = [c.strip() for c in code_text.split(",") if c.strip()]
        matched: dict[int, Collaboration] = {}
        for code in written:
            found = codes.get(code_key(code), [])
            if len(found) > 1:
                problems["code"] = Message(TWO_CREATORS_CODE, {"code": code[:60]})
            for match in found:
                matched[match.id] = match
        if not matched and "code" not in problems:
            if problems:  # an unreadable row is refused whatever its code
                report.rejected += 1
                report.problems += [(line, f, _message(r)) for f, r in problems.items()]
            else:
                report.unmatched += 1
                report.problems.append((line, "code", Message(UNKNOWN_CODE, {"code": code_text[:60]})))
            continue
        if len(matched) > 1 and "code" not in problems:
            problems["code"] = Message(SEVERAL_CODES, {"codes": ", ".join(written)[:120]})
        collab = next(iter(matched.values()), None)
        start, end = _row_period(table_row, columns, date_orders, period, problems)
        if order is not None and start is not None and end is not None:
            if order.period is None:
                order.period = (start, end)
            elif order.period != (start, end):
                problems["day" if "day" in columns.positions else "month"] = Message(
                    DAY_DIFFERS, {"row": order.line, "order": number[:40]}
                )
        orders = _row_orders(table_row, columns, rule, problems) if first_line else 0  # an order counts once
        row_currency = _row_currency(table_row, columns, currency, problems)
        revenue = None
        if collab is not None and row_currency is not None and row_currency != collab.currency:
            problems["currency"] = Message(
                WRONG_CURRENCY,
                {"currency": row_currency, "influencer": collab.influencer.name, "expected": collab.currency},
            )  # its amounts are not read: they are in a currency the collaboration cannot hold
        elif row_currency is not None:
            amounts = _row_amounts(table_row, columns, rule, row_currency, problems)
            if amounts is not None and order is not None and "line_net" not in amounts:
                # an order's amounts: the same on each of its lines, counted on its first line only
                if order.amounts is None:
                    order.amounts = amounts
                elif (reason := _amounts_differ(order, number, amounts, row_currency)) is not None:
                    problems[reason[0]] = reason[1]
                    amounts = None
                else:
                    amounts = {name: Decimal(0) for name in amounts}
            revenue = None if amounts is None else _net(amounts)
        if problems or collab is None or start is None or end is None or orders is None or revenue is None:
            report.rejected += 1
            report.problems += [(line, f, _message(r)) for f, r in problems.items()]
            continue
        own = next(c for c in written if code_key(c) == code_key(collab.promo_code or ""))
        entry = sums.setdefault((collab.id, start, end), _Sum(collab, own))
        entry.orders += orders
        entry.revenue += revenue
        entry.rows.append(line)
        report.rows += 1
    _check_overlaps(sums, report)
    report.sales = [
        SaleChange(
            s.collab.id,
            s.collab.influencer.name,
            s.code,
            start,
            end,
            s.orders,
            s.revenue,
            s.collab.currency,
            tuple(s.rows),
        )
        for (_id, start, end), s in sorted(sums.items(), key=lambda item: (item[1].collab.influencer.name, item[0]))
    ]
    if period is not None:
        report.span = period
    elif report.sales:
        report.span = (min(s.period_start for s in report.sales), max(s.period_end for s in report.sales))
    if report.span is None or report.refused:
        return report
    if not dry_run and report.sales:
        # Two imports of the shop's sales at once: the second waits, then replaces what the first saved.
        take_sales_turn(session, program_id, shop)
    stored = _stored_in(session, program_id, report.span, shop)
    report.replaced = len(stored)
    report.other_shops = _other_shops_in(session, program_id, report.span, shop)
    if dry_run or not report.sales:
        return report
    session.execute(delete(PromoSale).where(PromoSale.id.in_([s.id for s in stored])))
    now = utcnow()
    for sale in report.sales:
        session.add(
            PromoSale(
                collaboration_id=sale.collaboration_id,
                shop=shop,
                period_start=sale.period_start,
                period_end=sale.period_end,
                code=sale.code[:60],
                orders=sale.orders,
                revenue=sale.revenue,
                currency=sale.currency,
                source_file=file_name[:255],
                imported_at=now,
                imported_by=actor.email,
            )
        )
    session.flush()
    report.written = True
    audit.record(
        session,
        actor,
        "import",
        "promo_sale",
        None,
        after={
            "program_id": program_id,
            "shop": shop,
            "file": file_name,
            "period": f"{report.span[0].isoformat()}..{report.span[1].isoformat()}",
            "sales": len(report.sales),
            "orders": report.orders,
            "replaced": report.replaced,
            "unmatched": report.unmatched,
            "not_sold": report.not_sold,
        },
        summary=(
            f"Imported promo code sales of program #{program_id} ({shop}) from {file_name}: {len(report.sales)} "
            f"sale rows, "
            f"{report.replaced} replaced, {report.unmatched} rows with unknown codes"
        ),
    )
    return report


def _message(reason: str | Message) -> Message:
    return reason if isinstance(reason, Message) else Message(str(reason))


def _row_period(
    row: Row,
    columns: _Columns,
    orders: dict[str, DateOrder],
    period: tuple[dt.date, dt.date] | None,
    problems: dict[str, str | Message],
) -> tuple[dt.date | None, dt.date | None]:
    """The row's day (or month); a numeric date in its column's order, never the number convention's locale (a
    file writing `1,250.50` may still write dates day first)."""
    day_text, month_text = columns.text(row, "day"), columns.text(row, "month")
    try:
        if day_text:
            start = end = read_day(day_text, None, orders["day"].order)
        elif month_text:
            start = read_month(month_text, None, orders["month"].order)
            end = month_end(start)
        elif period is not None and "day" not in columns.positions and "month" not in columns.positions:
            return period
        else:
            problems["day" if "day" in columns.positions else "month"] = Message(NO_PERIOD)
            return None, None
    except ParseError as exc:
        problems["day" if day_text else "month"] = exc.message
        return None, None
    if period is not None and (start < period[0] or end > period[1]):
        problems["day" if day_text else "month"] = Message(
            OUTSIDE_PERIOD, {"day": Day(start), "start": Day(period[0]), "end": Day(period[1])}
        )
    return start, end


def _row_orders(row: Row, columns: _Columns, rule: NumberRule, problems: dict[str, str | Message]) -> int | None:
    if "orders" in columns.positions:
        text, problem = checked_figure(
            columns.text(row, "orders") or "0", None, rule, NUMBER_TEXTS, typed=columns.typed(row, "orders")
        )
        if problem is not None:
            problems["orders"] = problem
            return None
        try:
            return parse_count(text, rule.locale) or 0
        except ParseError as exc:
            problems["orders"] = exc.message
            return None
    return 1  # an orders export: a row per order (an order-lines file: its first line)


def _order_differs(order: _Order, number: str, code_text: str, status: str) -> dict[str, Message]:
    """What a further line of an order says differently from its first line: its code or its status."""
    params = {"row": order.line, "order": number[:40]}
    differs: dict[str, Message] = {}
    if code_key(code_text) != order.code:
        differs["code"] = Message(CODE_DIFFERS, params)
    if _folded(status) != order.status:
        differs["status"] = Message(STATUS_DIFFERS, params)
    return differs


def _amounts_differ(
    order: _Order, number: str, amounts: dict[str, Decimal], currency: str
) -> tuple[str, Message] | None:
    """The first order amount a further line of an order writes differently from its first line, and why."""
    first = order.amounts or {}
    for name, value in amounts.items():
        if value != first.get(name):
            params = {
                "row": order.line,
                "order": number[:40],
                "value": Amount(value, currency),
                "first": Amount(first.get(name, Decimal(0)), currency),
            }
            if name == "net":
                return name, Message(NET_DIFFERS, params, page_text=NET_DIFFERS_PAGE)
            return name, Message(PART_DIFFERS, params, page_text=PART_DIFFERS_PAGE)
    return None


def _amount(row: Row, columns: _Columns, name: str, rule: NumberRule, currency: str) -> Decimal:
    text = columns.text(row, name)
    if not text:
        return Decimal(0)
    text, problem = checked_figure(text, currency, rule, NUMBER_TEXTS, typed=columns.typed(row, name))
    if problem is not None:
        raise ParseError(problem)
    return parse_amount(text, currency, rule.locale, allow_negative=True)


def _row_amounts(
    row: Row, columns: _Columns, rule: NumberRule, currency: str, problems: dict[str, str | Message]
) -> dict[str, Decimal] | None:
    """The row's sales amounts: its net sales (the order's), else its line's net sales, else gross sales,
    discounts and returns (None, the reason in `problems`, when one cannot be read)."""
    if "net" in columns.positions:
        names: tuple[str, ...] = ("net",)
    elif "line_net" in columns.positions:
        names = ("line_net",)
    else:
        names = ("gross", "discounts", "returns")
    values: dict[str, Decimal] = {}
    for name in names:
        try:
            values[name] = _amount(row, columns, name, rule, currency)
        except ParseError as exc:
            problems[name] = exc.message
    return values if len(values) == len(names) else None


def _net(values: dict[str, Decimal]) -> Decimal:
    """Net sales: the net (or line net) amount, else gross - discounts - returns (Shopify writes those two
    negative)."""
    for name in ("net", "line_net"):
        if name in values:
            return values[name]
    return values["gross"] - abs(values["discounts"]) - abs(values["returns"])


def _row_currency(row: Row, columns: _Columns, program_currency: str, problems: dict[str, str | Message]) -> str | None:
    text = columns.text(row, "currency")
    if not text:
        return columns.currency or program_currency
    if not is_currency(text.strip().upper()):
        problems["currency"] = Message(NOT_A_CURRENCY, {"value": text[:20]})
        return None
    return currency_code(text.strip().upper())


def _check_overlaps(sums: dict[tuple[int, dt.date, dt.date], _Sum], report: PromoSalesImport) -> None:
    """One collaboration's periods in a file must not overlap (a month row beside that month's day rows)."""
    by_collab: dict[int, list[tuple[dt.date, dt.date, _Sum]]] = {}
    for (collab_id, start, end), entry in sums.items():
        by_collab.setdefault(collab_id, []).append((start, end, entry))
    for periods in by_collab.values():
        periods.sort(key=lambda p: (p[0], p[1]))
        reach: tuple[dt.date, _Sum] | None = None  # the latest last day so far, and whose it is
        for start, end, entry in periods:
            if reach is not None and start <= reach[0]:
                params = {"influencer": entry.collab.influencer.name, "start": Day(start), "end": Day(end)}
                report.rejected += 1
                report.problems.append((entry.rows[0], "day", Message(OVERLAPS, {**params, "row": reach[1].rows[0]})))
            if reach is None or end > reach[0]:
                reach = (end, entry)


def _other_shops_in(session: Session, program_id: int, span: tuple[dt.date, dt.date], shop: str) -> int:
    """How many stored sale rows of the program's other shops touch `span` (they stay)."""
    stmt = (
        select(func.count(PromoSale.id))
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .where(
            Collaboration.program_id == program_id,
            PromoSale.shop != shop,
            PromoSale.period_start <= span[1],
            PromoSale.period_end >= span[0],
        )
    )
    return int(session.scalar(stmt) or 0)


def _stored_in(session: Session, program_id: int, span: tuple[dt.date, dt.date], shop: str) -> list[PromoSale]:
    """The program's stored sales of `shop` inside `span`; FieldErrors when one is stored across its edge."""
    first, last = span
    stmt = (
        select(PromoSale)
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .where(
            Collaboration.program_id == program_id,
            PromoSale.shop == shop,
            PromoSale.period_start <= last,
            PromoSale.period_end >= first,
        )
        .order_by(PromoSale.period_start, PromoSale.id)
    )
    stored = list(session.scalars(stmt))
    for sale in stored:
        if sale.period_start < first or sale.period_end > last:
            raise FieldErrors(
                {
                    "file": Message(
                        STORED_ACROSS,
                        {
                            "influencer": sale.collaboration.influencer.name,
                            "start": Day(sale.period_start),
                            "end": Day(sale.period_end),
                            "first": Day(first),
                            "last": Day(last),
                        },
                    )
                }
            )
    return stored


MERGE_CLASH = N_(
    "Both collaborations hold promo code sales of {shop} from {day}, over different periods (to {first_end} and to "
    "{second_end}); import that shop's sales of the period again by day (or by month) for both creators, then merge"
)


def move_sales(session: Session, loser: Collaboration, winner: Collaboration) -> None:
    """Give `loser`'s promo code sales to `winner` (a merge of two collaborations of one program): the creator's
    sales under both codes add up, each keeping its shop; a shop's period both hold is summed into one row. A
    period of one shop starting on the same day but ending on another cannot be summed and refuses the merge
    (DomainError), nothing moved."""
    mine = {
        (sale.shop, sale.period_start): sale
        for sale in session.scalars(select(PromoSale).where(PromoSale.collaboration_id == winner.id))
    }
    theirs = list(session.scalars(select(PromoSale).where(PromoSale.collaboration_id == loser.id)))
    for sale in theirs:
        kept = mine.get((sale.shop, sale.period_start))
        if kept is not None and kept.period_end != sale.period_end:
            raise DomainError(
                MERGE_CLASH,
                shop=Codes("shop", [sale.shop]),
                day=Day(sale.period_start),
                first_end=Day(kept.period_end),
                second_end=Day(sale.period_end),
            )
    for sale in theirs:
        kept = mine.get((sale.shop, sale.period_start))
        if kept is None:
            sale.collaboration_id = winner.id
        else:
            kept.orders += sale.orders
            kept.revenue += sale.revenue
            session.delete(sale)
    session.flush()


SALES_COLUMNS = [
    "collaboration_id",
    "influencer",
    "promo_code",
    "shop",
    "currency",
    "first_day",
    "last_day",
    "orders",
    "revenue",
    "source_file",
    "imported_at",
]
SHOP_COLUMNS = ["shop", "currency", "creators", "orders", "revenue"]


def sales_by_creator(session: Session, program_id: int) -> pd.DataFrame:
    """Per collaboration of the program with stored sales and shop: its code, the days they cover, orders, net
    sales and the last file imported. A creator's totals over every shop are ROI's (`influencers.roi`)."""
    last_import = (
        select(PromoSale.collaboration_id, PromoSale.shop, func.max(PromoSale.imported_at).label("imported_at"))
        .group_by(PromoSale.collaboration_id, PromoSale.shop)
        .subquery()
    )
    stmt = (
        select(
            Collaboration.id.label("collaboration_id"),
            Influencer.name.label("influencer"),
            Collaboration.promo_code,
            PromoSale.shop,
            PromoSale.currency,
            func.min(PromoSale.period_start).label("first_day"),
            func.max(PromoSale.period_end).label("last_day"),
            func.sum(PromoSale.orders).label("orders"),
            func.sum(PromoSale.revenue).label("revenue"),
            last_import.c.imported_at,
        )
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(
            last_import,
            (last_import.c.collaboration_id == Collaboration.id) & (last_import.c.shop == PromoSale.shop),
        )
        .where(Collaboration.program_id == program_id)
        .group_by(Collaboration.id, Influencer.name, Collaboration.promo_code, PromoSale.shop, PromoSale.currency)
        .group_by(last_import.c.imported_at)
        .order_by(Influencer.name, Collaboration.id, PromoSale.shop)
    )
    rows = []
    for r in session.execute(stmt).mappings():
        row = dict(r)
        row["orders"] = int(row["orders"] or 0)
        row["revenue"] = Decimal(row["revenue"] or 0)
        row["source_file"] = session.scalar(
            select(PromoSale.source_file)
            .where(
                PromoSale.collaboration_id == row["collaboration_id"],
                PromoSale.shop == row["shop"],
                PromoSale.imported_at == row["imported_at"],
            )
            .order_by(PromoSale.id.desc())
            .limit(1)
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=SALES_COLUMNS, dtype=object)


def sales_by_shop(session: Session, program_id: int) -> pd.DataFrame:
    """The program's stored sales per shop (and currency: a creator's deal may be in another one than the
    program's): how many creators sold there, orders and net sales, in `SHOPS` order."""
    stmt = (
        select(
            PromoSale.shop,
            PromoSale.currency,
            func.count(func.distinct(PromoSale.collaboration_id)).label("creators"),
            func.sum(PromoSale.orders).label("orders"),
            func.sum(PromoSale.revenue).label("revenue"),
        )
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .where(Collaboration.program_id == program_id)
        .group_by(PromoSale.shop, PromoSale.currency)
    )
    order = {code: i for i, code in enumerate(SHOPS)}
    rows = [
        {
            "shop": r.shop,
            "currency": r.currency,
            "creators": int(r.creators or 0),
            "orders": int(r.orders or 0),
            "revenue": Decimal(r.revenue or 0),
        }
        for r in session.execute(stmt)
    ]
    rows.sort(key=lambda r: (order.get(r["shop"], len(order)), r["shop"], r["currency"]))
    return pd.DataFrame(rows, columns=SHOP_COLUMNS, dtype=object)


__all__ = [
    "FIELDS",
    "SHOPS",
    "PromoSalesImport",
    "SaleChange",
    "code_key",
    "date_order_needed",
    "file_columns",
    "import_promo_sales",
    "move_sales",
    "not_sold",
    "read_day",
    "read_month",
    "sales_by_creator",
    "sales_by_shop",
    "shop_code",
    "suggested_shop",
    "take_sales_turn",
]
