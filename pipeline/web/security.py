"""Who may use the page: a random token per start (in the first address, then a cookie), the Host header
(against DNS rebinding: a foreign name resolving to 127.0.0.1) and the Origin header (requests from other
sites) checked on every request, as Jupyter's local server does."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

COOKIE = "rectify_token"
HEADER = "X-Rectify-Token"


def new_token() -> str:
    """A random token for one start of the server."""
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """The checks every request passes before anything else is done."""

    def __init__(self, token: str, bind_host: str, port: int) -> None:
        self.token = token
        self.port = port
        names = {"127.0.0.1", "localhost", "[::1]"}
        if not is_loopback(bind_host) and bind_host not in ("0.0.0.0", "::", ""):
            names.add(bind_host if ":" not in bind_host else f"[{bind_host}]")
        self.open_to_lan = not is_loopback(bind_host)
        self.hosts = {f"{n}:{port}" for n in names}

    def host_ok(self, host: str | None) -> bool:
        """The Host header names this server by an address it answers on (a LAN address is accepted only
        when started for the LAN, and then still needs the token)."""
        if not host:
            return False
        host = host.strip().lower()
        if host in self.hosts:
            return True
        if self.open_to_lan:
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
            try:
                ipaddress.ip_address(name.strip("[]"))  # an address, never a name (DNS rebinding)
            except ValueError:
                return False
            return port == str(self.port)
        return False

    def origin_ok(self, origin: str | None, host: str | None) -> bool:
        """No Origin (a top-level navigation, a same-origin GET), or exactly this server's own."""
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.scheme == "http" and bool(host) and parts.netloc.lower() == (host or "").strip().lower()

    def token_in(self, path: str, cookie_header: str | None, header: str | None) -> str | None:
        """The token a request carries: the address's ?token=, the header, or the cookie."""
        query = parse_qs(urlsplit(path).query).get("token")
        if query:
            return query[0]
        if header:
            return header
        if cookie_header:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(cookie_header)
            except Exception:  # noqa: BLE001 - a malformed cookie header is no token
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
        return None

    def token_ok(self, token: str | None) -> bool:
        """The token is this start's (compared in constant time)."""
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def cookie(self) -> str:
        """The Set-Cookie value that carries the token after the first visit."""
        return f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
