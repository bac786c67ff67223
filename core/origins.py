"""A URL's origin (scheme, host, port): what holds a URL the server fetches or stores to one configured host."""

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """``("https", "image.tmdb.org", 443)``; the host in lower case, the port the scheme's when none is given."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        return parts.scheme.lower(), "", None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(parts.scheme.lower())


def on_origin_of(url: str, base: str) -> bool:
    """Whether ``url`` is an http(s) URL on ``base``'s scheme, host and port."""
    scheme, host, port = origin(base)
    return scheme in DEFAULT_PORTS and bool(host) and origin(url) == (scheme, host, port)
