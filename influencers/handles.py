"""Social handles: normalise a typed handle or a pasted profile URL to (platform, lowercase handle).

A YouTube channel address without a handle (`youtube.com/channel/UC...`) is kept as `channel/UC...`: channel
IDs are case-sensitive, so that one form is not lowercased. A link to a post or a video (`youtu.be/ID`,
`youtube.com/watch?v=ID`, `instagram.com/p/...`) is refused with `NotAProfileError`: its ID is not the creator's.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, urlsplit

from db.errors import N_, Codes, DomainError
from influencers.models import PLATFORMS

# Host (without www./m./mobile.) -> platform.
HOSTS = {
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "linkedin.com": "linkedin",
    "twitch.tv": "twitch",
}
# First path segments that are pages, not profiles.
NOT_PROFILES = {
    "instagram": {"p", "reel", "reels", "stories", "explore", "tv", "accounts"},
    "tiktok": {"video", "tag", "music", "discover", "t"},
    "youtube": {"watch", "shorts", "playlist", "results", "feed", "live", "embed", "v", "clip", "post", "hashtag"},
    "x": {"i", "home", "search", "hashtag", "intent", "share"},
    "facebook": {"watch", "groups", "events", "photo", "photo.php", "story.php", "share", "sharer"},
    "linkedin": {"feed", "posts", "pulse", "jobs"},
    "twitch": {"videos", "directory", "p"},
}
HANDLE_PATTERN = re.compile(r"^[a-z0-9._\-]{1,100}$")
CHANNEL_PREFIX = "channel/"
CHANNEL_ID = re.compile(r"^(?:channel/)?(UC[A-Za-z0-9_\-]{10,62})$")
PLATFORM_LABELS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "twitch": "Twitch",
    "other": "Other",
}


class HandleError(DomainError):
    """A handle or profile URL that cannot be used; the message says why."""


class NotAProfileError(HandleError):
    """The address is a post, video or page, not a profile: whatever ID it holds is not the creator's handle.

    An import rejects the row (it names the row and the field) instead of storing the ID as a handle."""


VIDEO_HOSTS = frozenset({"youtu.be"})  # short links to one video, never to a channel


def _looks_like_url(text: str) -> bool:
    if "://" in text:
        return True
    host = text.split("/", 1)[0].lower()
    host = re.sub(r"^(www\.|m\.|mobile\.|vm\.)", "", host)
    return host in HOSTS and "/" in text


def _host(netloc: str) -> str:
    host = netloc.lower().split("@")[-1].split(":")[0]
    return re.sub(r"^(www\.|m\.|mobile\.|vm\.)", "", host)


def _split(text: str) -> SplitResult:
    """`text` split as a web address (`https://` assumed when it has no scheme); a malformed one, such as an
    unclosed `[` in the host, is refused as not an address instead of escaping as a ValueError."""
    try:
        return urlsplit(text if "://" in text else "https://" + text)
    except ValueError:
        raise HandleError(N_("{value} is not a valid web address"), value=repr(text)) from None


def handle_from_url(url: str) -> tuple[str, str]:
    """(platform, handle) from a profile URL such as `https://www.tiktok.com/@Name`."""
    text = url.strip()
    parts = _split(text)
    host = _host(parts.netloc)
    platform = HOSTS.get(host)
    if host in VIDEO_HOSTS:
        raise NotAProfileError(
            N_("{value} is a link to a video, not a channel; use the channel's address, such as youtube.com/@name"),
            value=repr(text),
        )
    if platform is None:
        raise HandleError(N_("{value} is not a known social network address"), value=repr(parts.netloc or text))
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise HandleError(N_("the address has no profile name in it"))
    first = segments[0]
    if platform == "facebook" and first.lower() == "profile.php":
        ids = parse_qs(parts.query).get("id")
        if not ids:
            raise HandleError(N_("a profile.php address needs its id= parameter"))
        return platform, _clean(ids[0])
    if platform == "tiktok":
        if not first.startswith("@"):
            raise HandleError(N_("a TikTok profile address looks like tiktok.com/@name"))
        return platform, _clean(first)
    if platform == "youtube":
        if first.startswith("@"):
            return platform, _clean(first)
        if first.lower() in ("c", "user") and len(segments) > 1:
            return platform, _clean(segments[1])
        if first.lower() == "channel":
            match = CHANNEL_ID.match(segments[1]) if len(segments) > 1 else None
            if match is None:
                raise HandleError(
                    N_("a channel-ID address looks like youtube.com/channel/UC followed by the channel ID")
                )
            return platform, CHANNEL_PREFIX + match.group(1)
        if first.lower() in NOT_PROFILES["youtube"]:
            raise NotAProfileError(
                N_(
                    "{value} is a link to a video or page, not a channel; use the channel's address, such as "
                    "youtube.com/@name"
                ),
                value=repr(text),
            )
        return platform, _clean(first)
    if platform == "linkedin":
        if first.lower() in ("in", "company") and len(segments) > 1:
            return platform, _clean(segments[1])
        raise HandleError(N_("a LinkedIn profile address looks like linkedin.com/in/name"))
    if first.lower() in NOT_PROFILES.get(platform, set()):
        raise NotAProfileError(
            N_("this is a post or page address, not a profile on {platform}"), platform=PLATFORM_LABELS[platform]
        )
    return platform, _clean(first)


def _clean(raw: str) -> str:
    handle = raw.strip().lstrip("@").strip().lower()
    if not handle:
        raise HandleError(N_("the handle is empty"))
    if not HANDLE_PATTERN.match(handle):
        raise HandleError(
            N_("{value} has characters a handle cannot have (letters, digits, . _ - only)"), value=repr(raw.strip())
        )
    return handle


def normalize_handle(platform: str, raw: str) -> str:
    """The stored form of `raw` on `platform`: lowercase, no `@`, taken from a URL when one is pasted."""
    if platform not in PLATFORMS:
        raise HandleError(
            N_("unknown platform {value}; use one of {choices}"),
            value=repr(platform),
            choices=Codes("platform", PLATFORMS),
        )
    text = (raw or "").strip()
    if not text:
        raise HandleError(N_("the handle is empty"))
    if _looks_like_url(text):
        if platform == "other":
            parts = _split(text)
            return (parts.netloc + parts.path.rstrip("/")).lower().removeprefix("www.")
        found, handle = handle_from_url(text)
        if found != platform:
            raise HandleError(
                N_("the address is a {found} profile, not {platform}"),
                found=PLATFORM_LABELS[found],
                platform=PLATFORM_LABELS[platform],
            )
        return handle
    if platform == "other":
        return text.lstrip("@").lower()
    if platform == "youtube" and (match := CHANNEL_ID.match(text)) and text.startswith(CHANNEL_PREFIX):
        return CHANNEL_PREFIX + match.group(1)
    return _clean(text)


def profile_url(platform: str, handle: str) -> str | None:
    """The canonical profile address of a normalised handle."""
    if platform == "youtube" and handle.startswith(CHANNEL_PREFIX):
        return f"https://www.youtube.com/{handle}"
    return {
        "instagram": f"https://www.instagram.com/{handle}/",
        "tiktok": f"https://www.tiktok.com/@{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
        "facebook": f"https://www.facebook.com/{handle}",
        "x": f"https://x.com/{handle}",
        "linkedin": f"https://www.linkedin.com/in/{handle}",
        "twitch": f"https://www.twitch.tv/{handle}",
    }.get(platform)
