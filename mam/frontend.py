"""The UI's entry page: the built React app's index.html (its assets come from WhiteNoise)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from mam.config import Config

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MAM</title></head>
<body><h1>MAM is running</h1><p>The web UI has not been built on this machine: run
<code>make run</code> (which builds it), or <code>npm ci &amp;&amp; npm run build</code> in
<code>frontend/</code>. The API is at <a href="/api/v1/assets">/api/v1/assets</a>, its
documentation at <a href="/api/v1/docs">/api/v1/docs</a>, the admin at
<a href="/admin/">/admin/</a>.</p></body></html>"""


def index(request: HttpRequest) -> HttpResponse:
    built = Config.FRONTEND_DIST / "index.html"
    if built.is_file():
        response = HttpResponse(built.read_bytes(), content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response
    return HttpResponse(NOT_BUILT, content_type="text/html; charset=utf-8")
