"""Security headers on every answer, pages and API alike.

Pages get a Content-Security-Policy that allows only this server's own scripts, styles,
images, fonts and fetches (the console's Leaflet is served from /static/vendor, Swagger UI
from /api/docs/static), plus map tiles from the configured tile server; no inline script,
no inline style, no plugins, no framing. Everything else (JSON, CSV, files) gets the
strictest policy: a browser that opens it as a document may load nothing. A view that
needs another policy sets its own header, which is kept (the twin's report).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

# For answers that are not pages: load nothing, be framed by no one.
NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'"

BASE_HEADERS = {
    # Browsers take a response for what its Content-Type says, never for what it looks like.
    "X-Content-Type-Options": "nosniff",
    # No framing (clickjacking); frame-ancestors says it to browsers that read CSP.
    "X-Frame-Options": "DENY",
    # Our URLs go to no other site. (The console asks for the origin alone to be sent to a
    # configured tile server, whose usage policy may require it: see static/app.js.)
    "Referrer-Policy": "same-origin",
}


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its origin, with a ``{s}`` subdomain
    as the leading wildcard CSP allows; None for tiles served by this server (or none)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None  # a path on this server: 'self'
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels) or "{" in port:
        return f"{parts.scheme}:"  # a template CSP cannot express: any host of that scheme
    return f"{parts.scheme}://{'.'.join(labels)}" + (f":{port}" if port else "")


def page_policy(tile_url: str = "") -> str:
    images = ["'self'", "data:"]  # data: images (Leaflet's and Swagger UI's icons) run no code
    source = tile_source(tile_url)
    if source:
        images.append(source)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    pages = page_policy(app.config.get("MAP_TILE_URL", ""))

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in BASE_HEADERS.items():
            response.headers.setdefault(name, value)
        policy = pages if response.mimetype == "text/html" else NON_PAGE_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
