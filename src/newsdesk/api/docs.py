"""/docs (Swagger UI) and /redoc served from files installed with newsdesk: no CDN, so the
API's documentation renders with the network cut off.

The Swagger UI and ReDoc bundles come from the pinned package ``fastapi-offline`` (MIT; it
ships swagger-ui-dist and redoc's standalone build); only its static files are used, served
under /docs/assets.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
REDOC_CSP = ("default-src 'self'; script-src 'self' blob:; worker-src 'self' blob:; "
             "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
             "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def assets_dir() -> Path | None:
    """The folder holding swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js."""
    try:
        import fastapi_offline
    except ImportError:  # pragma: no cover - a pinned dependency
        return None
    path = Path(fastapi_offline.__file__).resolve().parent / "static"
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from the installed assets (build the app with docs_url=None
    and redoc_url=None). Without the assets the two pages say what to install."""
    static = assets_dir()
    title = f"{app.title} {app.version}"
    if static is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=static), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        if static is None:
            return HTMLResponse(_missing(), status_code=503)
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=title + " – API",
                                   swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_URL}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        if static is None:
            return HTMLResponse(_missing(), status_code=503)
        page = get_redoc_html(openapi_url=app.openapi_url, title=title + " – API",
                              redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False)
        # ReDoc's menu footer shows a logo from its CDN (hidden when it fails to load): the
        # policy keeps the browser from asking for it, and for anything else off this server.
        page.headers["Content-Security-Policy"] = REDOC_CSP
        return page


def _missing() -> str:
    return ("<!doctype html><title>API docs</title><p>The API documentation assets are not "
            "installed: <code>pip install fastapi-offline==1.7.7</code>. The schema is at "
            "<a href=\"/openapi.json\">/openapi.json</a>.</p>")
