"""Amounts, rates, counts, percents and dates as people type them: accepted forms, exact refusals, properties."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, localcontext

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import Day, DomainError, Message
from db.money import CurrencyError, format_money, precision
from db.parse import (
    EARLIEST,
    LATEST,
    MAX_COUNT,
    MAX_PERCENT,
    PERCENT_PLACES,
    NumberMarks,
    ParseError,
    amount_bound,
    day_first,
    format_count,
    format_percent,
    is_blank,
    number_marks,
    parse_amount,
    parse_count,
    parse_date,
    parse_percent,
    parse_percent_or_fraction,
    parse_rate,
)

PROPERTIES = settings(database=None, deadline=None, max_examples=300)
LOCALES = ("id_ID", "en_US")
CURRENCIES = ("IDR", "USD", "JPY", "EUR", "SGD", "BHD", "KRW", "VND")


def refusal(call, *args, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as info:
        call(*args, **kwargs)
    return info.value


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "locale", "expected"),
    [
        ("50.000.000", "IDR", "id_ID", "50000000"),
        ("Rp 50.000.000", "IDR", "id_ID", "50000000"),
        ("Rp50.000.000", "IDR", "id_ID", "50000000"),
        ("Rp. 50.000.000", "IDR", "id_ID", "50000000"),
        ("IDR 50.000.000", "IDR", "id_ID", "50000000"),
        ("50.000.000 IDR", "IDR", "id_ID", "50000000"),
        ("Rp50.000.000,00", "IDR", "id_ID", "50000000"),
        ("Rp 50.000,-", "IDR", "id_ID", "50000"),
        ("50.000.000,50", "USD", "id_ID", "50000000.50"),
        ("US$1.250,50", "USD", "id_ID", "1250.50"),
        ("12.345", "USD", "id_ID", "12345.00"),
        ("50 000 000", "IDR", "id_ID", "50000000"),
        ("50,000,000.50", "USD", "en_US", "50000000.50"),
        ("$50,000", "USD", "en_US", "50000.00"),
        ("USD 1,250", "USD", "en_US", "1250.00"),
        ("usd 1,250", "USD", "en_US", "1250.00"),
        ("IDR1,250,000", "IDR", "en_US", "1250000"),
        ("Rp 1,250,000", "IDR", "en_US", "1250000"),
        ("¥1,250", "JPY", "en_US", "1250"),
        ("1250000", "IDR", "id_ID", "1250000"),
        ("1250000", "IDR", "en_US", "1250000"),
        ("1250000.5", "USD", "id_ID", "1250000.50"),
        ("1250000.5", "USD", "en_US", "1250000.50"),
        ("0.500", "USD", "id_ID", "0.50"),
        ("  Rp\u00a050.000  ", "IDR", "id_ID", "50000"),
        ("0", "USD", "en_US", "0.00"),
        ("100.000.000.000.000", "IDR", "id_ID", "100000000000000"),
        ("1,000,000,000,000.00", "USD", "en_US", "1000000000000.00"),
        ("1.250,500", "BHD", "id_ID", "1250.500"),
    ],
)
def test_amounts_people_type(text: str, currency: str, locale: str, expected: str) -> None:
    value = parse_amount(text, currency, locale)
    assert value == Decimal(expected)
    assert str(value) == expected  # at the currency's precision, never an exponent


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        ("1e20", "IDR", "id_ID", "Planned amount: 1e20 is not an amount; type it like 50.000.000."),
        ("1.2.3,4,5", "USD", "id_ID", "Planned amount: 1.2.3,4,5 is not an amount; type it like 1.250,50."),
        ("inf", "USD", "en_US", "Planned amount: inf is not an amount; type it like 1,250.50."),
        ("NaN", "USD", "en_US", "Planned amount: NaN is not an amount; type it like 1,250.50."),
        ("Infinity", "IDR", "id_ID", "Planned amount: Infinity is not an amount; type it like 50.000.000."),
        ("lima juta", "IDR", "id_ID", "Planned amount: lima juta is not an amount; type it like 50.000.000."),
        ("1_000", "USD", "en_US", "Planned amount: 1_000 is not an amount; type it like 1,250.50."),
        ("1,250,000.50", "USD", "id_ID", "Planned amount: 1,250,000.50 is not an amount; type it like 1.250,50."),
        ("1.250.000", "USD", "en_US", "Planned amount: 1.250.000 is not an amount; type it like 1,250.50."),
        ("1,25", "USD", "en_US", "Planned amount: 1,25 is not an amount; type it like 1,250.50."),
        ("12.", "USD", "en_US", "Planned amount: 12. is not an amount; type it like 1,250.50."),
        ("(1,250)", "USD", "en_US", "Planned amount: (1,250) is not an amount; type it like 1,250.50."),
        ("--5", "USD", "en_US", "Planned amount: --5 is not an amount; type it like 1,250.50."),
        ("Rp 50.000 IDR", "IDR", "id_ID", "Planned amount: Rp 50.000 IDR is not an amount; type it like 50.000.000."),
        ("50 jt", "IDR", "id_ID", "Planned amount: 50 jt is not an amount; type it like 50.000.000."),
        ("", "IDR", "id_ID", "Planned amount is empty; type it like 50.000.000."),
        ("   ", "USD", "en_US", "Planned amount is empty; type it like 1,250.50."),
        (
            "12.345",
            "USD",
            "en_US",
            "Planned amount: 12.345 has more decimals than USD allows (2); type it like 1,250.50.",
        ),
        (
            "Rp50.000.000,50",
            "IDR",
            "id_ID",
            "Planned amount: Rp50.000.000,50 has more decimals than IDR allows (0); type it like 50.000.000.",
        ),
        ("-50.000", "IDR", "id_ID", "Planned amount: -50.000 is negative; the amount must be 0 or more."),
        ("-$1,250.00", "USD", "en_US", "Planned amount: -$1,250.00 is negative; the amount must be 0 or more."),
        ("$50", "IDR", "id_ID", "Planned amount: $50 is not in IDR; type it like 50.000.000."),
        ("Rp50.000", "USD", "en_US", "Planned amount: Rp50.000 is not in USD; type it like 1,250.50."),
        ("SGD 12", "USD", "en_US", "Planned amount: SGD 12 is not in USD; type it like 1,250.50."),
        ("€12", "USD", "en_US", "Planned amount: €12 is not in USD; type it like 1,250.50."),
        (
            "100.000.000.000.001",
            "IDR",
            "id_ID",
            "Planned amount: 100.000.000.000.001 is more than the largest IDR amount allowed, 100.000.000.000.000.",
        ),
        (
            "1,000,000,000,000.01",
            "USD",
            "en_US",
            "Planned amount: 1,000,000,000,000.01 is more than the largest USD amount allowed, 1,000,000,000,000.",
        ),
    ],
)
def test_amounts_refused_with_the_reason(text: str, currency: str, locale: str, message: str) -> None:
    error = refusal(parse_amount, text, currency, locale, field="Planned amount")
    assert str(error) == message
    assert error.params["field"] == "Planned amount"
    assert error.params["value"] == text.strip()


def test_amount_refusal_parameters_let_a_page_translate_it() -> None:
    label = Message("Planned amount")
    error = refusal(parse_amount, "1e20", "IDR", "id_ID", field=label)
    assert isinstance(error, DomainError)
    assert error.message.text == "{field}: {problem}"
    assert error.params["value"] == "1e20"
    assert error.params["example"] == "50.000.000"
    problem = error.params["problem"]
    assert problem.text == "{value} is not an amount; type it like {example}."
    catalog = {
        "{field}: {problem}": "{field}: {problem}",
        "Planned amount": "Jumlah rencana",
        "{value} is not an amount; type it like {example}.": "{value} bukan jumlah uang; ketik seperti {example}.",
    }
    assert error.message.render(catalog.get) == "Jumlah rencana: 1e20 bukan jumlah uang; ketik seperti 50.000.000."


def test_amount_refusal_without_a_field_and_its_bound() -> None:
    error = refusal(parse_amount, "2.000.000.000.000", "USD", "id_ID")
    assert str(error) == "2.000.000.000.000 is more than the largest USD amount allowed, 1.000.000.000.000."
    assert "field" not in error.params
    assert error.params["bound"] == "1.000.000.000.000"


def test_negative_amounts_only_when_allowed() -> None:
    assert parse_amount("-Rp1.251", "IDR", "id_ID", allow_negative=True) == Decimal(-1251)
    assert parse_amount("Rp -1.251", "IDR", "id_ID", allow_negative=True) == Decimal(-1251)
    assert parse_amount("\u22121,250.50", "USD", "en_US", allow_negative=True) == Decimal("-1250.50")
    assert str(parse_amount("-0", "USD", "en_US", allow_negative=True)) == "0.00"


def test_rounding_to_the_currency_is_opt_in_and_half_up() -> None:
    assert parse_amount("Rp50.000.000,50", "IDR", "id_ID", round_to_precision=True) == Decimal(50_000_001)
    assert parse_amount("12.345", "USD", "en_US", round_to_precision=True) == Decimal("12.35")
    assert parse_amount("12.344", "USD", "en_US", round_to_precision=True) == Decimal("12.34")


def test_exact_amounts_keep_every_decimal_written() -> None:
    assert parse_amount("Rp 1.250.000,50", "IDR", "id", exact=True) == Decimal("1250000.50")
    assert parse_amount("100000.5", "IDR", "en_US", exact=True) == Decimal("100000.5")
    assert str(parse_amount("-0.000", "USD", "en_US", exact=True, allow_negative=True)) == "0.000"
    assert str(refusal(parse_amount, "1e20", "IDR", "en_US", exact=True)) == (
        "1e20 is not an amount; type it like 50,000,000."
    )


@pytest.mark.parametrize(
    ("text", "currency", "marks"),
    [
        ("1.250.000", None, NumberMarks(decimal=",")),  # a repeated mark groups
        ("1.250.000,50", None, NumberMarks(decimal=",")),
        ("Rp 1.250.000,50", "IDR", NumberMarks(decimal=",")),
        ("500000,50", None, NumberMarks(decimal=",")),
        ("1 250 000,50", None, NumberMarks(decimal=",")),
        ("1,250,000.50", None, NumberMarks(decimal=".")),
        ("1,250,000", None, NumberMarks(decimal=".")),
        ("100000.5", None, NumberMarks(decimal=".")),
        ("1250.500", None, NumberMarks(decimal=".")),  # four digits before the mark: no grouping
        ("0.500", None, NumberMarks(decimal=".")),
        ("750.000", None, NumberMarks(either=".")),  # 750 or 750000
        ("Rp 500.000", "IDR", NumberMarks(either=".")),
        ("Rp. 50.000,-", "IDR", NumberMarks(either=".")),
        ("1,250", None, NumberMarks(either=",")),
        ("1250000", None, NumberMarks()),
        ("Rp 500.000", None, NumberMarks()),  # a sign of no currency given: not a number
        ("$1,250", "IDR", NumberMarks()),
        ("1.2.3", None, NumberMarks()),
        ("1.250,000.5", None, NumberMarks()),
        ("NaN", None, NumberMarks()),
        ("", None, NumberMarks()),
    ],
)
def test_what_a_number_says_about_its_marks(text: str, currency: str | None, marks: NumberMarks) -> None:
    assert number_marks(text, currency) == marks


@PROPERTIES
@given(st.decimals(min_value=0, max_value=10**12, places=3), st.sampled_from(["en", "id", "de", "fr"]))
def test_a_number_babel_writes_never_proves_the_wrong_decimal_mark(value: Decimal, locale: str) -> None:
    text = format_decimal(value, locale=locale)
    marks = number_marks(text)
    decimal = "," if locale in ("id", "de", "fr") else "."
    assert marks.decimal in (None, decimal)
    assert marks.either in (None, ".", ",")


def test_amounts_handed_over_as_numbers() -> None:
    assert parse_amount(1250000, "IDR", "id_ID") == Decimal(1250000)
    assert parse_amount(Decimal("12.5"), "USD", "id_ID") == Decimal("12.50")
    assert parse_amount(12.5, "USD", "en_US") == Decimal("12.50")
    # A Decimal "12.345" is twelve point three four five, not the id reading of the text "12.345".
    assert str(refusal(parse_amount, Decimal("12.345"), "USD", "id_ID")).startswith("12.345 has more decimals")
    assert str(refusal(parse_amount, 0.1 + 0.2, "USD", "en_US")).startswith("0.30000000000000004 has more decimals")
    assert str(refusal(parse_amount, float("inf"), "USD", "en_US")) == "inf is not an amount; type it like 1,250.50."
    assert (
        str(refusal(parse_amount, Decimal("NaN"), "IDR", "id_ID")) == "NaN is not an amount; type it like 50.000.000."
    )
    assert str(refusal(parse_amount, True, "IDR", "id_ID")) == "True is not an amount; type it like 50.000.000."
    assert str(refusal(parse_amount, None, "IDR", "id_ID")) == "The value is empty; type it like 50.000.000."


def test_amount_bounds_per_currency_fit_64_bit_minor_units() -> None:
    assert amount_bound("IDR") == amount_bound("JPY") == amount_bound("KRW") == amount_bound("VND") == 10**14
    assert amount_bound("USD") == amount_bound("BHD") == 10**12
    for code in CURRENCIES:
        assert amount_bound(code) * 10**4 < 2**63


def test_a_bad_currency_code_is_the_currency_error() -> None:
    with pytest.raises(CurrencyError):
        parse_amount("12", "XYZ", "en_US")


def test_refused_text_is_echoed_harmlessly_and_short() -> None:
    error = refusal(parse_amount, "\u202eRp1\x1b[31m" + "9" * 80, "IDR", "id_ID")
    shown = error.params["value"]
    assert "\u202e" not in shown
    assert "\x1b" not in shown
    assert shown.startswith("Rp1␛[31m9")
    assert len(shown) == 40
    assert shown.endswith("…")


@PROPERTIES
@given(
    currency=st.sampled_from(CURRENCIES),
    locale=st.sampled_from(LOCALES),
    fraction=st.floats(min_value=-1, max_value=1, allow_nan=False),
    minor=st.integers(min_value=-(10**18), max_value=10**18),
)
def test_formatted_money_parses_back_exactly(currency: str, locale: str, fraction: float, minor: int) -> None:
    digits = precision(currency)
    bound_minor = int(amount_bound(currency).scaleb(digits))
    # Both tiny and huge amounts: a random share of the bound, and a random number of minor units.
    for units in (int(bound_minor * fraction), minor % (bound_minor + 1)):
        amount = Decimal(units).scaleb(-digits)
        text = format_money(amount, currency, locale)
        assert parse_amount(text, currency, locale, allow_negative=True) == amount, text


NUMBERISH = st.text(alphabet="0123456789.,-−  \u00a0RpIDRUSD$€%eEinfatjrbkKM", max_size=20)


@PROPERTIES
@given(text=st.one_of(st.text(max_size=30), NUMBERISH), locale=st.sampled_from((*LOCALES, None)))
def test_any_text_is_read_or_refused_with_a_parse_error(text: str, locale: str | None) -> None:
    for call in (
        lambda: parse_amount(text, "IDR", locale, allow_negative=True),
        lambda: parse_amount(text, "USD", locale),
        lambda: parse_rate(text, locale),
        lambda: parse_count(text, locale),
        lambda: parse_date(text, locale),
    ):
        try:
            value = call()
        except ParseError as error:
            refused = error
        else:
            refused = None
            if isinstance(value, Decimal):
                assert value.is_finite()
        if refused is not None:
            assert str(refused)
            assert "value" in refused.params
    column = parse_percent_or_fraction([text, "1,5"])
    assert all(v is None or Decimal(0) <= v <= 100 for v in column.values)


# ---------------------------------------------------------------------------------------------
# FX rates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("16.250,5", "id_ID", "16250.5"),
        ("16,250.5", "en_US", "16250.5"),
        ("16250.5", "id_ID", "16250.5"),
        ("0,0000615384615", "id_ID", "0.0000615384615"),
        ("0.0000615384615", "id_ID", "0.0000615384615"),
        ("0.000000000004", "en_US", "0.000000000004"),
        ("0.000000000001", "en_US", "0.000000000001"),
        ("1.000.000.000.000", "id_ID", "1000000000000"),
        ("1.2345678901234567890", "en_US", "1.2345678901234567890"),
        ("15.000", "id_ID", "15000"),
        ("15.000", "en_US", "15.000"),
    ],
)
def test_rates_keep_every_digit_given(text: str, locale: str, expected: str) -> None:
    value = parse_rate(text, locale)
    assert value == Decimal(expected)
    assert f"{value:f}" == expected


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("0", "id_ID", "FX rate: 0 is outside the rates allowed, from 0,000000000001 to 1.000.000.000.000."),
        ("0,00", "id_ID", "FX rate: 0,00 is outside the rates allowed, from 0,000000000001 to 1.000.000.000.000."),
        (
            "0.00000000000004",
            "en_US",
            "FX rate: 0.00000000000004 is outside the rates allowed, from 0.000000000001 to 1,000,000,000,000.",
        ),
        ("-1", "en_US", "FX rate: -1 is outside the rates allowed, from 0.000000000001 to 1,000,000,000,000."),
        (
            "1,000,000,000,001",
            "en_US",
            "FX rate: 1,000,000,000,001 is outside the rates allowed, from 0.000000000001 to 1,000,000,000,000.",
        ),
        ("4e-11", "en_US", "FX rate: 4e-11 is not a rate; type it like 16,250.5."),
        ("inf", "id_ID", "FX rate: inf is not a rate; type it like 16.250,5."),
        ("Rp16.250", "id_ID", "FX rate: Rp16.250 is not a rate; type it like 16.250,5."),
        ("", "id_ID", "FX rate is empty; type it like 16.250,5."),
        (
            "1.23456789012345678901",
            "en_US",
            "FX rate: 1.23456789012345678901 has more than 20 significant digits; shorten it.",
        ),
    ],
)
def test_rates_refused(text: str, locale: str, message: str) -> None:
    assert str(refusal(parse_rate, text, locale, field="FX rate")) == message


@PROPERTIES
@given(
    digits=st.integers(min_value=1, max_value=10**20 - 1),
    exponent=st.integers(min_value=-31, max_value=12),
    locale=st.sampled_from(LOCALES),
)
def test_rates_in_range_parse_back_with_all_significant_digits(digits: int, exponent: int, locale: str) -> None:
    rate = Decimal(digits).scaleb(exponent)
    with localcontext() as context:
        context.prec = 60  # Babel formats in the current context; a rate can have 32 digits here
        text = format_decimal(rate, format="#,##0.#", locale=locale, decimal_quantization=False)
    if Decimal("1e-12") <= rate <= Decimal("1e12"):
        assert parse_rate(text, locale) == rate  # exact: not one significant digit lost
    else:
        with pytest.raises(ParseError):
            parse_rate(text, locale)


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.4M", 10_400_000),
        ("977.2K", 977_200),
        ("1.2k", 1_200),
        ("10K", 10_000),
        ("1,2 jt", 1_200_000),
        ("1,2jt", 1_200_000),
        ("12,5 rb", 12_500),
        ("2,5 juta", 2_500_000),
        ("1 miliar", 1_000_000_000),
        ("1,5 milyar", 1_500_000_000),
        ("3 ribu", 3_000),
        ("2.5 million", 2_500_000),
        ("1.1B", 1_100_000_000),
        ("12.500", 12_500),
        ("12,500", 12_500),
        ("12 500", 12_500),
        ("1.234.567", 1_234_567),
        ("1,234.5K", 1_234_500),
        ("12500", 12_500),
        ("12500.0", 12_500),
        ("0", 0),
        ("1T", 10**12),
    ],
)
def test_counts_people_write(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["NULL", "null", "N/A", "n/a", "NA", "-", "—", "–", "", "   ", "#N/A", None])
def test_blank_counts_are_none(text: str | None) -> None:
    assert is_blank(text)
    assert parse_count(text) is None


def test_blank_markers() -> None:
    assert is_blank(float("nan"))
    assert is_blank(Decimal("NaN"))
    assert not is_blank("0")
    assert not is_blank(0)
    assert not is_blank("Nana")


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("inf", None, "Followers: inf is not a count; type it like 12,500."),
        ("1e23", None, "Followers: 1e23 is not a count; type it like 12,500."),
        ("1e23", "id_ID", "Followers: 1e23 is not a count; type it like 12.500."),
        ("ten", None, "Followers: ten is not a count; type it like 12,500."),
        ("12 kilo", None, "Followers: 12 kilo is not a count; type it like 12,500."),
        ("12.5", None, "Followers: 12.5 is not a whole number; type it like 12,500."),
        ("1.2345K", None, "Followers: 1.2345K is not a whole number; type it like 12,500."),
        (
            "1.00000000000000000000000000001K",
            None,
            "Followers: 1.00000000000000000000000000001K is not a whole number; type it like 12,500.",
        ),
        ("12,500", "id_ID", "Followers: 12,500 is not a whole number; type it like 12.500."),
        ("1.250K", None, "Followers: 1.250K can be read more than one way; type it like 12,500."),
        ("-5", None, "Followers: -5 is negative; a count is 0 or more."),
        ("2 T", None, "Followers: 2 T is more than the largest count allowed, 1,000,000,000,000."),
        (
            "1.000.000.000.001",
            "id_ID",
            "Followers: 1.000.000.000.001 is more than the largest count allowed, 1.000.000.000.000.",
        ),
    ],
)
def test_counts_refused(text: str, locale: str | None, message: str) -> None:
    assert str(refusal(parse_count, text, locale, field="Followers")) == message


def test_counts_follow_the_locale_when_given() -> None:
    assert parse_count("1.250K", "id_ID") == 1_250_000
    assert parse_count("1.250K", "en_US") == 1_250
    assert parse_count("12.500", "id_ID") == 12_500
    assert parse_count("12,500", "en_US") == 12_500
    assert parse_count("1,2 jt", "id_ID") == 1_200_000
    # "M" is a million for followers, even in Bahasa Indonesia where compact money uses it for miliar.
    assert parse_count("10.4M", "id_ID") == 10_400_000
    assert parse_count(12500.0) == 12_500
    assert parse_count(Decimal(7)) == 7
    assert str(refusal(parse_count, float("inf"))) == "inf is not a count; type it like 12,500."


@PROPERTIES
@given(count=st.integers(min_value=0, max_value=MAX_COUNT), locale=st.sampled_from(LOCALES))
def test_grouped_counts_parse_back(count: int, locale: str) -> None:
    text = format_decimal(count, locale=locale)
    assert parse_count(text, locale) == count
    assert parse_count(text) == count


@PROPERTIES
@given(
    tenths=st.integers(min_value=1, max_value=9999),
    unit=st.sampled_from([("K", 3), ("rb", 3), ("M", 6), ("jt", 6), ("juta", 6), ("miliar", 9)]),
    mark=st.sampled_from([".", ","]),
)
def test_compact_counts(tenths: int, unit: tuple[str, int], mark: str) -> None:
    word, exponent = unit
    whole, tenth = divmod(tenths, 10)
    text = f"{whole}{mark}{tenth}{' ' if len(word) > 1 else ''}{word}"
    assert parse_count(text) == tenths * 10 ** (exponent - 1)


# What a form's count field (followers, a record number) takes: the locale's grouping, or plain digits.


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.250.000", "id_ID", 1_250_000),
        ("1250000", "id_ID", 1_250_000),
        ("1 250 000", "id_ID", 1_250_000),
        ("1,250,000", "en_US", 1_250_000),
        ("1250000", "en_US", 1_250_000),
        ("  1.250.000  ", "id_ID", 1_250_000),
        ("0", "en_US", 0),
    ],
)
def test_form_counts_in_the_locale(text: str, locale: str, expected: int) -> None:
    assert parse_count(text, locale, field="Followers") == expected


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("-5", "id_ID", "Followers: -5 is negative; a count is 0 or more."),
        ("1,5", "id_ID", "Followers: 1,5 is not a whole number; type it like 12.500."),
        ("1.250.000", "en_US", "Followers: 1.250.000 is not a count; type it like 12,500."),
        ("1,250,000", "id_ID", "Followers: 1,250,000 is not a count; type it like 12.500."),
        ("banyak", "id_ID", "Followers: banyak is not a count; type it like 12.500."),
        ("12a", "en_US", "Followers: 12a is not a count; type it like 12,500."),
    ],
)
def test_form_counts_refused(text: str, locale: str, message: str) -> None:
    assert str(refusal(parse_count, text, locale, field="Followers")) == message


def test_a_count_with_a_minimum_names_it() -> None:
    """A record number (the merge picker's) starts at 1."""
    assert parse_count("12", "id_ID", minimum=1) == 12
    error = refusal(parse_count, "0", "id_ID", field="Keep influencer #", minimum=1)
    assert str(error) == "Keep influencer #: 0 is less than 1, the smallest number allowed."
    assert error.params["bound"] == "1"


@PROPERTIES
@given(count=st.integers(min_value=0, max_value=MAX_COUNT), locale=st.sampled_from(LOCALES))
def test_counts_formatted_by_babel_parse_back_in_their_locale(count: int, locale: str) -> None:
    assert parse_count(format_decimal(count, locale=locale), locale) == count
    assert parse_count(format_count(count, locale), locale) == count
    assert parse_count(str(count), locale) == count  # plain digits in every locale


# ---------------------------------------------------------------------------------------------
# One percent (an engagement rate typed in a form)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("3,5", "id_ID", "3.5"),
        ("3,5%", "id_ID", "3.5"),
        ("3,5 %", "id_ID", "3.5"),
        ("3.5", "id_ID", "3.5"),  # a `.` that cannot group thousands is the decimal point
        ("0,035", "id_ID", "0.035"),  # always a percent, never a fraction
        ("3.5", "en_US", "3.5"),
        ("3.5%", "en_US", "3.5"),
        ("100", "en_US", "100"),
        ("0", "id_ID", "0"),
        ("2,7345", "id_ID", "2.7345"),
        ("3,50000", "id_ID", "3.5"),  # trailing zeros are no extra decimals
    ],
)
def test_percents_in_the_locale(text: str, locale: str, expected: str) -> None:
    value = parse_percent(text, locale)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


@pytest.mark.parametrize("text", [None, "", "   ", "-", "N/A"])
def test_blank_percents_are_none(text: str | None) -> None:
    assert parse_percent(text, "id_ID") is None


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("3,5", "en_US", "Engagement rate: 3,5 is not a percent; type it like 3.5."),
        ("12.500", "id_ID", "Engagement rate: 12.500 is outside the percents allowed, from 0% to 100%."),
        ("100,5", "id_ID", "Engagement rate: 100,5 is outside the percents allowed, from 0% to 100%."),
        ("150%", "en_US", "Engagement rate: 150% is outside the percents allowed, from 0% to 100%."),
        ("-1", "en_US", "Engagement rate: -1 is negative; a percent is 0 or more."),
        ("-3,5%", "id_ID", "Engagement rate: -3,5% is negative; a percent is 0 or more."),
        ("tinggi", "id_ID", "Engagement rate: tinggi is not a percent; type it like 3,5."),
        ("1e2", "en_US", "Engagement rate: 1e2 is not a percent; type it like 3.5."),
        ("inf", "en_US", "Engagement rate: inf is not a percent; type it like 3.5."),
        ("%", "en_US", "Engagement rate: % is not a percent; type it like 3.5."),
        (
            "1,23456",
            "id_ID",
            "Engagement rate: 1,23456 has more than 4 decimals; a percent keeps at most 4, e.g. 3,5.",
        ),
    ],
)
def test_percents_refused(text: str, locale: str, message: str) -> None:
    assert str(refusal(parse_percent, text, locale, field="Engagement rate")) == message


@PROPERTIES
@given(
    value=st.decimals(min_value=0, max_value=MAX_PERCENT, places=PERCENT_PLACES, allow_nan=False),
    locale=st.sampled_from(LOCALES),
)
def test_percents_formatted_by_babel_parse_back_in_their_locale(value: Decimal, locale: str) -> None:
    text = format_decimal(value, format="0.####", locale=locale)
    assert parse_percent(text, locale) == value
    assert parse_percent(format_percent(value, locale), locale) == value
    assert parse_percent(text + "%", locale) == value


# Text a person may type: letters, digits, marks, signs and spaces in any mix, and any unicode at all.
TYPED = st.one_of(
    st.text(alphabet="0123456789.,%- \u00a0eE+jtKMrb", max_size=20),
    st.text(max_size=80),
)


@PROPERTIES
@given(text=TYPED, locale=st.sampled_from(LOCALES))
def test_any_typed_text_is_a_value_or_a_refusal_with_a_message(text: str, locale: str) -> None:
    """Never an exception other than a ParseError, whose message names the field; what is accepted is in range."""
    for field, read, bound in (
        ("Engagement rate", parse_percent, MAX_PERCENT),
        ("Followers", parse_count, MAX_COUNT),
    ):
        refused: ParseError | None = None
        value = None
        try:
            value = read(text, locale, field=field)
        except ParseError as exc:
            refused = exc
        if refused is not None:
            assert str(refused).startswith(f"{field}: "), str(refused)
            assert refused.message.params["field"] == field
        else:
            assert value is None or 0 <= value <= bound


# ---------------------------------------------------------------------------------------------
# Percents and fractions
# ---------------------------------------------------------------------------------------------


def test_a_column_of_fractions_is_read_as_percents_and_says_so() -> None:
    column = parse_percent_or_fraction(["0.017", "0,02", "", "NULL", "1"])
    assert column.scale == "fraction"
    assert column.values == (Decimal("1.7"), Decimal("2"), None, None, Decimal("100"))
    assert column.errors == {}


def test_a_column_with_a_value_above_one_is_percents_and_its_small_values_are_refused() -> None:
    column = parse_percent_or_fraction(["1.7", "3,2", "0.5", "0"])
    assert column.scale == "percent"
    assert column.values == (Decimal("1.7"), Decimal("3.2"), None, Decimal("0"))  # 0 is 0 either way
    assert column.ambiguous == frozenset({2})
    assert str(column.errors[2]) == (
        "0.5 could be 0.5% or 50% (this column also holds percents); write it with a % sign (50% or 0.5%)."
    )


def test_a_percent_sign_makes_the_column_percents_and_an_unmarked_fraction_ambiguous() -> None:
    column = parse_percent_or_fraction(["0.5%", "0.2", "12"])
    assert column.scale == "percent"
    assert column.values == (Decimal("0.5"), None, Decimal("12"))
    assert column.ambiguous == frozenset({1})


def test_a_mixed_indonesian_column_never_stores_a_fraction_as_a_percent() -> None:
    """Field review: `3,5%`, `0,045`, `4.2` in one column stored 0.045 % for `0,045`."""
    column = parse_percent_or_fraction(["3,5%", "0,045", "4.2", "", "2,75 %"], field="Engagement Rate")
    assert column.values == (Decimal("3.5"), None, Decimal("4.2"), None, Decimal("2.75"))
    assert str(column.errors[1]) == (
        "Engagement Rate: 0,045 could be 0.045% or 4.5% (this column also holds percents); write it with a % "
        "sign (4.5% or 0.045%)."
    )


def test_bad_cells_are_refused_one_by_one() -> None:
    column = parse_percent_or_fraction(["2.5", "abc", "150", None], field="Engagement rate")
    assert column.scale == "percent"
    assert column.values == (Decimal("2.5"), None, None, None)
    assert {i: str(e) for i, e in column.errors.items()} == {
        1: "Engagement rate: abc is not a percent; type it like 1,7%.",
        2: "Engagement rate: 150 is outside the percents allowed, from 0% to 100%.",
    }


def test_an_empty_column_has_no_scale() -> None:
    column = parse_percent_or_fraction(["", "N/A"])
    assert column.scale is None
    assert column.values == (None, None)


@PROPERTIES
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20))
def test_fractions_and_percents_agree(thousandths: list[int]) -> None:
    fractions = [f"0.{n:03d}" if n < 1000 else "1" for n in thousandths]
    column = parse_percent_or_fraction(fractions)
    assert column.scale == "fraction"
    assert column.values == tuple(Decimal(n) / 10 for n in thousandths)
    as_percents = parse_percent_or_fraction([f"{Decimal(n) / 10}%" for n in thousandths])
    assert as_percents.values == column.values


@PROPERTIES
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.booleans(), st.sampled_from([".", ","])),
        min_size=1,
        max_size=20,
    )
)
def test_a_stored_rate_is_always_what_the_cell_says(cells: list[tuple[int, bool, str]]) -> None:
    """Whatever the mix, a rate is stored only when its reading is certain: `%` cells as written, unmarked cells
    above 1 as percents, unmarked cells up to 1 as fractions only in a column of such cells; the rest refused."""
    texts = [f"{n // 100}{mark}{n % 100:02d}" + ("%" if sign else "") for n, sign, mark in cells]
    column = parse_percent_or_fraction(texts)
    numbers = [Decimal(n) / 100 for n, _sign, _mark in cells]
    all_fractions = not any(sign or number > 1 for number, (_n, sign, _m) in zip(numbers, cells, strict=True))
    for index, (number, (_n, sign, _m)) in enumerate(zip(numbers, cells, strict=True)):
        value = column.values[index]
        if all_fractions:
            assert value == number * 100
        elif sign or number > 1 or number == 0:
            assert value == number
        else:
            assert value is None
            assert index in column.ambiguous
            assert index in column.errors


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

JAN_31 = date(2026, 1, 31)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("2026-01-31", None),
        ("2026-01-31", "en_US"),
        ("2026/01/31", "id_ID"),
        ("2026-01-31 00:00:00", None),
        ("2026-01-31T00:00", None),
        ("31/01/2026", "id_ID"),
        ("31-01-2026", "id_ID"),
        ("31.01.2026", "id_ID"),
        ("31/01/2026", None),
        ("1/31/2026", "en_US"),
        ("1/31/2026", None),
        ("31 Jan 2026", None),
        ("31 Januari 2026", "id_ID"),
        ("31 januari 2026", "en_US"),
        ("31-Jan-2026", None),
        ("Jan 31, 2026", "en_US"),
        ("January 31st, 2026", None),
        ("31 Jan. 2026", None),
    ],
)
def test_dates_people_type(text: str, locale: str | None) -> None:
    assert parse_date(text, locale) == JAN_31


def test_ambiguous_day_and_month_follow_the_locale() -> None:
    assert day_first("id_ID") is True
    assert day_first("en_US") is False
    assert day_first("en_GB") is True
    assert parse_date("01/02/2026", "id_ID") == date(2026, 2, 1)
    assert parse_date("01/02/2026", "en_US") == date(2026, 1, 2)
    assert parse_date("01/02/2026", "en_GB") == date(2026, 2, 1)
    assert parse_date("05/05/2026") == date(2026, 5, 5)
    assert parse_date("8 Agt 2026") == parse_date("8 Agu 2026") == parse_date("Aug 8, 2026") == date(2026, 8, 8)


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("01/02/2026", None, "Start date: 01/02/2026 could be day/month or month/day; type it like 2026-01-31."),
        (
            "31/01/2026",
            "en_US",
            "Start date: 31/01/2026 is not a date in month/day/year order; type it like 2026-01-31.",
        ),
        ("1/31/2026", "id_ID", "Start date: 1/31/2026 is not a date in day/month/year order; type it like 2026-01-31."),
        ("1999-12-31", None, "Start date: 1999-12-31 is before 2000-01-01, the earliest date allowed."),
        ("1900-01-01", "id_ID", "Start date: 1900-01-01 is before 2000-01-01, the earliest date allowed."),
        ("9999-12-31", None, "Start date: 9999-12-31 is after 2100-12-31, the latest date allowed."),
        ("2101-01-01", "en_US", "Start date: 2101-01-01 is after 2100-12-31, the latest date allowed."),
        ("2026-02-30", None, "Start date: 2026-02-30 is not a date; type it like 2026-01-31."),
        ("31/01/26", "id_ID", "Start date: 31/01/26 is not a date; type it like 2026-01-31."),
        ("31 Foo 2026", None, "Start date: 31 Foo 2026 is not a date; type it like 2026-01-31."),
        ("2026-01-31 14:30", None, "Start date: 2026-01-31 14:30 is not a date; type it like 2026-01-31."),
        ("tomorrow", None, "Start date: tomorrow is not a date; type it like 2026-01-31."),
        ("", None, "Start date is empty; type it like 2026-01-31."),
    ],
)
def test_dates_refused(text: str, locale: str | None, message: str) -> None:
    assert str(refusal(parse_date, text, locale, field="Start date")) == message


def test_date_bounds_are_parameters() -> None:
    error = refusal(parse_date, date(1900, 1, 1))
    assert error.params["bound"] == Day(date(2000, 1, 1))  # a day: pages write it as the reader writes dates
    assert str(error) == "1900-01-01 is before 2000-01-01, the earliest date allowed."  # the command line: ISO
    assert parse_date(datetime(2026, 1, 31)) == JAN_31
    assert (
        str(refusal(parse_date, datetime(2026, 1, 31, 9)))
        == "2026-01-31 09:00:00 is not a date; type it like 2026-01-31."
    )


@PROPERTIES
@given(day=st.dates(min_value=EARLIEST, max_value=LATEST))
def test_dates_in_range_parse_back_in_every_form(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y"), "id_ID") == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}", "en_US") == day
    assert parse_date(format_date(day, "d MMMM y", locale="id_ID")) == day
    assert parse_date(format_date(day, "d MMM y", locale="id_ID"), "id_ID") == day
    assert parse_date(format_date(day, "MMM d, y", locale="en_US")) == day


@PROPERTIES
@given(day=st.dates().filter(lambda d: d < EARLIEST or d > LATEST))
def test_dates_out_of_range_name_the_bound(day: date) -> None:
    error = refusal(parse_date, day.isoformat())
    assert error.params["bound"] == Day(EARLIEST if day < EARLIEST else LATEST)
