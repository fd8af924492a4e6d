"""Handle normalisation: typed handles and pasted profile URLs become lowercase handles without @."""

from __future__ import annotations

import pytest

from influencers.handles import HandleError, handle_from_url, normalize_handle


@pytest.mark.parametrize(
    ("platform", "raw", "expected"),
    [
        ("instagram", "@Ayu.Lestari", "ayu.lestari"),
        ("instagram", "  AYU_L  ", "ayu_l"),
        ("instagram", "https://www.instagram.com/Ayu.Lestari/?hl=en", "ayu.lestari"),
        ("instagram", "instagram.com/ayu", "ayu"),
        ("tiktok", "https://www.tiktok.com/@Kopi.Kita?lang=id", "kopi.kita"),
        ("tiktok", "@kopikita", "kopikita"),
        ("youtube", "https://m.youtube.com/@KopiChannel/videos", "kopichannel"),
        ("youtube", "https://www.youtube.com/c/KopiChannel", "kopichannel"),
        ("x", "https://twitter.com/KopiKita", "kopikita"),
        ("x", "https://x.com/KopiKita/status/1", "kopikita"),
        ("facebook", "https://www.facebook.com/Kopi.Kita", "kopi.kita"),
        ("facebook", "https://facebook.com/profile.php?id=1000123", "1000123"),
        ("linkedin", "https://www.linkedin.com/in/Ayu-Lestari/", "ayu-lestari"),
        ("twitch", "https://www.twitch.tv/KopiStream", "kopistream"),
        ("other", "https://www.Blog.example/Ayu/", "blog.example/ayu"),
    ],
)
def test_handles_are_normalised(platform: str, raw: str, expected: str) -> None:
    assert normalize_handle(platform, raw) == expected


@pytest.mark.parametrize(
    ("platform", "raw", "reason"),
    [
        ("instagram", "https://www.tiktok.com/@ayu", "TikTok profile, not Instagram"),
        ("instagram", "https://www.instagram.com/p/Cx123/", "not a profile on Instagram"),
        ("tiktok", "https://www.tiktok.com/ayu", "tiktok.com/@name"),
        ("youtube", "https://www.youtube.com/channel/UC123", "channel-ID"),
        ("linkedin", "https://www.linkedin.com/feed/", "linkedin.com/in/name"),
        ("instagram", "ayu lestari!", "characters a handle cannot have"),
        ("instagram", "   ", "empty"),
        ("myspace", "ayu", "unknown platform"),
    ],
)
def test_bad_handles_say_why(platform: str, raw: str, reason: str) -> None:
    with pytest.raises(HandleError, match=reason):
        normalize_handle(platform, raw)


def test_url_tells_the_platform() -> None:
    assert handle_from_url("https://vm.tiktok.com/@Ayu") == ("tiktok", "ayu")
    with pytest.raises(HandleError, match="not a known social network"):
        handle_from_url("https://example.com/ayu")


@pytest.mark.parametrize("raw", ["https://[instagram.com/ayu", "\x1b[31m", "instagram.com]/ayu", "http://[::1/x"])
def test_a_malformed_address_is_refused_not_raised(raw: str) -> None:
    """urlsplit raises ValueError ("Invalid IPv6 URL") on an unclosed bracket in the host; people see a refusal."""
    with pytest.raises(HandleError, match="not a valid web address"):
        handle_from_url(raw)
