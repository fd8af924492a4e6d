"""The Influencers page's follower counts, engagement rates and merge picker read as people type numbers, in
Bahasa Indonesia (`1.250.000`, `3,5`) and English (`1,250,000`, `3.5`), through streamlit_app.py: what is stored
is exact (an int, a Decimal), a refusal names the field in the user's language and saves nothing, and the edit
form shows the stored figures the language's way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from influencers.contacts import create_influencer
from influencers.models import Influencer, SocialHandle
from tests.influencers.conftest import SPECIALIST
from tests.pages import open_page

INFLUENCERS = "pages/influencers/influencers.py"


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _add(at, name: str, followers: str, rate: str, handle: str = "ayu.lestari"):
    at.text_input(key="inf_add_name").set_value(name)
    at.text_input(key="inf_add_instagram_handle").set_value(handle)
    at.text_input(key="inf_add_instagram_followers").set_value(followers)
    at.text_input(key="inf_add_instagram_engagement_rate").set_value(rate)
    at.button(key="inf_add_submit").click().run()
    assert not at.exception, at.exception
    return at


def _stored(url: str) -> list[tuple[str, int | None, Decimal | None]]:
    with session_scope(url) as s:
        return [
            (h.handle, h.followers, h.engagement_rate)
            for h in s.scalars(select(SocialHandle).order_by(SocialHandle.id))
        ]


def _count(url: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(Influencer.id))) or 0


@pytest.mark.parametrize(
    ("language", "followers", "rate", "added", "understood"),
    [
        ("id", "1.250.000", "3,5", "Influencer ditambahkan.", ["Terbaca sebagai 1.250.000", "Terbaca sebagai 3,5%"]),
        ("en", "1,250,000", "3.5", "Influencer added.", ["Understood as 1,250,000", "Understood as 3.5%"]),
        ("id", "1250000", "3,5%", "Influencer ditambahkan.", ["Terbaca sebagai 1.250.000", "Terbaca sebagai 3,5%"]),
        ("en", "1250000", "3.5 %", "Influencer added.", ["Understood as 1,250,000", "Understood as 3.5%"]),
    ],
)
def test_figures_typed_the_languages_way_are_stored_exactly(
    migrated_url: str, app_test, language: str, followers: str, rate: str, added: str, understood: list[str]
) -> None:
    at = open_page(app_test(), INFLUENCERS, language=language)
    _add(at, "Ayu Lestari", followers, rate)
    assert not at.error, _texts(at.error)
    assert added in _texts(at.success)
    [(handle, count, engagement)] = _stored(migrated_url)
    assert (handle, count) == ("ayu.lestari", 1_250_000)
    assert type(count) is int
    assert isinstance(engagement, Decimal)
    assert engagement == Decimal("3.5")
    # the person opened is shown with the figures the language's way in its edit form
    assert at.text_input(key="inf_edit_instagram_followers").value == understood[0].split()[-1]
    assert at.text_input(key="inf_edit_instagram_engagement_rate").value == understood[1].split()[-1].rstrip("%")
    captions = _texts(at.caption)
    for text in understood:
        assert text in captions, captions


@pytest.mark.parametrize(
    ("language", "followers", "rate", "messages"),
    [
        (
            "id",
            "-5",
            "3,5",
            ["Pengikut (Instagram): -5 negatif; jumlah hitungan harus 0 atau lebih."],
        ),
        (
            "id",
            "1.250.000",
            "tinggi",
            ["Tingkat engagement % (Instagram): tinggi bukan persentase; ketik seperti 3,5."],
        ),
        (
            "id",
            "1,5 ribu orang",
            "150",
            [
                "Pengikut (Instagram): 1,5 ribu orang bukan bilangan cacah; ketik seperti 12.500.",
                "Tingkat engagement % (Instagram): 150 di luar persentase yang diizinkan, dari 0% sampai 100%.",
            ],
        ),
        (
            "en",
            "1.250.000",  # the Indonesian way, typed in English: refused, never read as 1.25
            "3,5",
            [
                "Followers (Instagram): 1.250.000 is not a count; type it like 12,500.",
                "Engagement rate % (Instagram): 3,5 is not a percent; type it like 3.5.",
            ],
        ),
        ("en", "12.5", "2", ["Followers (Instagram): 12.5 is not a whole number; type it like 12,500."]),
        ("en", "1000", "-2", ["Engagement rate % (Instagram): -2 is negative; a percent is 0 or more."]),
    ],
)
def test_a_figure_not_understood_is_named_in_the_users_language_and_nothing_is_saved(
    migrated_url: str, app_test, language: str, followers: str, rate: str, messages: list[str]
) -> None:
    at = open_page(app_test(), INFLUENCERS, language=language)
    _add(at, "Ayu Lestari", followers, rate)
    errors = _texts(at.error)
    for message in messages:
        assert message in errors, errors
        # under the field once, and in the form's summary
        assert sum(e.value == message for e in at.error) == 1, errors
    assert ("Mohon perbaiki" if language == "id" else "Please fix") in errors
    assert "instagram_" not in errors  # fields by their label, never their code
    assert not at.success
    assert _count(migrated_url) == 0


def test_a_figure_without_its_handle_is_refused_not_dropped(migrated_url: str, app_test) -> None:
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.text_input(key="inf_add_name").set_value("Budi")
    at.text_input(key="inf_add_tiktok_followers").set_value("12.500")
    at.button(key="inf_add_submit").click().run()
    assert not at.exception, at.exception
    assert "Pengikut (TikTok): isi juga handle-nya" in _texts(at.error)
    assert _count(migrated_url) == 0


@pytest.mark.parametrize(
    ("language", "followers", "rate"),
    [("id", "1.250.000", "2,7345"), ("en", "1,250,000", "2.7345")],
)
def test_editing_shows_the_stored_figures_the_languages_way_and_saves_them(
    migrated_url: str, app_test, language: str, followers: str, rate: str
) -> None:
    with session_scope(migrated_url) as s:
        person = create_influencer(
            s,
            SPECIALIST,
            {
                "name": "Citra",
                "handles": {"instagram": {"handle": "citra", "followers": 1_250_000, "engagement_rate": "2.7345"}},
            },
        )
        pid = person.id
    at = open_page(app_test(), INFLUENCERS, language=language)
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    assert at.text_input(key="inf_edit_instagram_followers").value == followers
    assert at.text_input(key="inf_edit_instagram_engagement_rate").value == rate
    # saved unchanged: the same figures come back, nothing rounded or read another way
    at.text_input(key="inf_edit_city").set_value("Bandung")
    at.button(key="inf_edit_submit").click().run()
    assert not at.error, _texts(at.error)
    assert _stored(migrated_url) == [("citra", 1_250_000, Decimal("2.7345"))]
    typed = "2.000.000" if language == "id" else "2,000,000"
    at.text_input(key="inf_edit_instagram_followers").set_value(typed)
    at.text_input(key="inf_edit_instagram_engagement_rate").set_value("4" if language == "id" else "4.0")
    at.button(key="inf_edit_submit").click().run()
    assert not at.error, _texts(at.error)
    assert _stored(migrated_url) == [("citra", 2_000_000, Decimal("4"))]
    assert at.text_input(key="inf_edit_instagram_followers").value == typed


def test_switching_language_writes_the_edit_forms_figures_the_new_way(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        pid = create_influencer(
            s,
            SPECIALIST,
            {
                "name": "Dewi",
                "handles": {"instagram": {"handle": "dewi", "followers": 31_115, "engagement_rate": "3.5"}},
            },
        ).id
    at = open_page(app_test(), INFLUENCERS, language="en")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert at.text_input(key="inf_edit_instagram_followers").value == "31,115"
    at.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    assert at.text_input(key="inf_edit_instagram_followers").value == "31.115"
    assert at.text_input(key="inf_edit_instagram_engagement_rate").value == "3,5"
    at.button(key="inf_edit_submit").click().run()
    assert not at.error, _texts(at.error)
    assert _stored(migrated_url) == [("dewi", 31_115, Decimal("3.5"))]


def test_merge_picker_reads_record_numbers_and_names_them(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        keep = create_influencer(s, SPECIALIST, {"name": "Eka", "handles": {"instagram": "eka"}}).id
        other = create_influencer(s, SPECIALIST, {"name": "Eka P.", "handles": {"tiktok": "eka"}}).id
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.text_input(key="inf_merge_keep").set_value("0").run()
    assert "Pertahankan influencer #: 0 kurang dari 1, angka terkecil yang diizinkan." in _texts(at.error)
    assert at.button(key="inf_merge_go").disabled
    at.text_input(key="inf_merge_keep").set_value(str(keep))
    at.text_input(key="inf_merge_other").set_value("999").run()
    captions = _texts(at.caption)
    assert f"Terbaca sebagai Eka (#{keep})" in captions
    assert "Terbaca sebagai #999 (tidak ada influencer dengan nomor ini)" in captions
    at.text_input(key="inf_merge_other").set_value(str(other)).run()
    assert f"Terbaca sebagai Eka P. (#{other})" in _texts(at.caption)
    at.button(key="inf_merge_go").click().run()
    assert not at.exception, at.exception
    assert f"#{other}" in _texts(at.success)
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, other).merged_into_id == keep
