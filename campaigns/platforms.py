"""The ad platforms Pantau knows (meta, tiktok, google, linkedin): their codes, names and how a code is checked.

Ad accounts, campaigns and ad sets (TikTok's and Google's "ad groups" are stored as ad sets) carry one of these
codes in their `platform` column; the database refuses any other value (a check constraint), and an account's
id is unique per platform only, so a TikTok advertiser id can never collide with a Meta ad account id.
"""

from __future__ import annotations

from db.errors import N_, Codes, DomainError

PLATFORM_META = "meta"
PLATFORM_TIKTOK = "tiktok"
PLATFORM_GOOGLE = "google"
PLATFORM_LINKEDIN = "linkedin"
# Display order: filters, tables and charts list the platforms this way.
PLATFORMS = (PLATFORM_META, PLATFORM_TIKTOK, PLATFORM_GOOGLE, PLATFORM_LINKEDIN)
DEFAULT_PLATFORM = PLATFORM_META  # every row from before the platform column existed came from Meta

# Names people see (brand names), the one table: pages translate them (pages/components/terms.py
# `AD_PLATFORM_LABELS` is this table), the command line and logs print them as they are.
PLATFORM_LABELS = {
    PLATFORM_META: N_("Meta"),
    PLATFORM_TIKTOK: N_("TikTok"),
    PLATFORM_GOOGLE: N_("Google Ads"),
    PLATFORM_LINKEDIN: N_("LinkedIn"),
}


def platform_label(platform: str) -> str:
    """The platform's name as the command line and logs write it (`tiktok` -> TikTok); an unknown code as it is."""
    return PLATFORM_LABELS.get(platform, platform)


class UnknownPlatform(DomainError):
    """A platform code that is not one of PLATFORMS."""


def platform_code(value: object) -> str:
    """`value` as a platform code (case and spaces ignored); anything else is refused with the known codes."""
    text = str(value or "").strip().lower()
    if text not in PLATFORMS:
        raise UnknownPlatform(
            N_("{value} is not an ad platform Pantau knows; use one of {known}."),
            value=str(value),
            known=Codes("ad_platform", PLATFORMS),
        )
    return text


def platform_check(column: str = "platform") -> str:
    """The SQL of the check constraint that keeps `column` to the known codes (models and migration share it)."""
    return f"{column} IN ({', '.join(repr(p) for p in PLATFORMS)})"
