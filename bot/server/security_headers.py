"""Response headers that keep browsers from misusing the app's pages.

The widget is a script the ward's pages load (not a frame), so nothing here stops the ward
from embedding it; the admin may not be framed at all, and answers are never cached by a
shared proxy. HSTS is sent only over HTTPS (behind the ward's TLS proxy, which uvicorn
reports through ``X-Forwarded-Proto``), since over plain HTTP it would mean nothing.

Redirects to the app itself are made relative: Starlette and sqladmin build them from the
request's ``Host`` header, which the caller chooses, so ``Host: evil.example`` would
otherwise send a browser to ``http://evil.example/admin/``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The admin's pages load every script from files (sqladmin's and the staff's static
#: staff.js), so no inline script may run: an injected ``<script>`` or ``javascript:`` link
#: does nothing. Inline styles stay allowed, since sqladmin's templates and Tabler use style
#: attributes.
ADMIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        https = scope.get("scheme") == "https"
        host = Headers(scope=scope).get("host", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if path.startswith("/admin"):
                    headers.setdefault("Content-Security-Policy", ADMIN_CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Cache-Control", "no-store")
                elif path.startswith(("/api/", "/line/")):
                    headers.setdefault("Cache-Control", "no-store")
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if "location" in headers:
                    headers["Location"] = relative_to(headers["location"], host)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def relative_to(location: str, host: str) -> str:
    """``location`` without scheme and host when it points at ``host`` (this request's own);
    a redirect elsewhere is left alone."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc.lower() != host.lower():
        return location
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
