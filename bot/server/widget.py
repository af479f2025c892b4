"""The widget's files and the demo page, with caching and a strict CSP.

The versioned URL (``/widget/v1/nakano-chat.js``) is cached for a year: a new widget gets a
new version in its path. The unversioned one is for people who always want the latest.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from bot.settings import ROOT

WIDGET_DIR = ROOT / "web_widget"
WIDGET_VERSION = "v1"
#: The demo page shows the widget working under the strict policy a ward site may have.
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo_page() -> FileResponse:
    return FileResponse(WIDGET_DIR / "index.html", headers={"Content-Security-Policy": DEMO_CSP})


@router.get("/widget/demo.css")
async def demo_css() -> FileResponse:
    return FileResponse(WIDGET_DIR / "demo.css", media_type="text/css")


@router.get(f"/widget/{WIDGET_VERSION}/nakano-chat.js")
async def widget_versioned() -> FileResponse:
    return FileResponse(
        WIDGET_DIR / "nakano-chat.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@router.get("/widget/nakano-chat.js")
async def widget_latest() -> FileResponse:
    return FileResponse(
        WIDGET_DIR / "nakano-chat.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )
