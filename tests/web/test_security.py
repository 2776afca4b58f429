"""Binding and the token: localhost by default; any other address needs a token, checked on
every request; host names other than localhost refused without a token (DNS rebinding);
pages and scripts come from the application only (no CDN); names are shown escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from townsgis.web import create_app

TOKEN = "s3cret-token-123"


@pytest.fixture(scope="module")
def guarded():
    app = create_app(token=TOKEN, local_only=False)
    with TestClient(app, base_url="http://10.0.0.5:8765") as c:
        yield app, c


@pytest.mark.parametrize(
    "path", ["/site", "/api/session", "/api/check", "/openapi.json", "/static/app/site.js"]
)
def test_without_the_token_every_request_is_refused(guarded, path):
    _, c = guarded
    r = c.get(path)
    assert r.status_code == 401
    assert "令牌" in r.json()["error"]["message"]
    r = c.get(path, headers={"Authorization": "Bearer wrong-token-456"})
    assert r.status_code == 401
    en = c.get(path, params={"lang": "en"})
    assert en.status_code == 401 and "token" in en.json()["error"]["message"]


def test_the_token_in_a_header_or_once_in_the_address(guarded):
    app, c = guarded
    assert c.get("/api/capacity", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert c.get("/api/capacity", headers={"X-Townsgis-Token": TOKEN}).status_code == 200
    r = c.get("/site", params={"token": TOKEN})
    assert r.status_code == 200
    assert "httponly" in r.headers["set-cookie"].lower()
    assert c.get("/api/capacity").status_code == 200  # the cookie now carries it
    c.cookies.clear()
    # a POST with the token still needs the CSRF header
    body = {"geometry": {"type": "Point", "coordinates": [120.27, 30.605]},
            "category": "制造业", "level": "市级"}  # fmt: skip
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert c.post("/api/site", json=body, headers=auth).status_code == 403
    csrf = {**auth, "X-CSRF-Token": app.state.settings.csrf_token}
    assert c.post("/api/site", json=body, headers=csrf).status_code == 200


def test_localhost_app_refuses_other_host_names(client):
    r = client.get("/api/capacity", headers={"Host": "evil.example:8765"})
    assert r.status_code == 400 and "evil.example" in r.json()["error"]["message"]
    assert client.get("/api/capacity", headers={"Host": "localhost:8765"}).status_code == 200


def test_serve_beyond_localhost_needs_a_token(cli, monkeypatch):
    monkeypatch.delenv("TOWNSGIS_TOKEN", raising=False)
    r = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert r.code == 2 and "token" in r.err and "Traceback" not in r.err
    r = cli("serve", "--host", "0.0.0.0", "--token", "short")
    assert r.code == 2 and "8" in r.err


def test_serve_starts_and_prints_its_address(cli, monkeypatch):
    import uvicorn

    seen = {}

    def fake_run(app, host, port, **kw):
        seen.update(host=host, port=port, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    r = cli("serve", "--port", "8999", "--lang", "en")
    assert r.code == 0 and "http://127.0.0.1:8999/" in r.out
    assert seen["host"] == "127.0.0.1" and seen["app"].state.settings.lang == "en"
    monkeypatch.setenv("TOWNSGIS_TOKEN", TOKEN)
    r = cli("serve", "--host", "0.0.0.0")
    assert r.code == 0 and seen["app"].state.settings.token == TOKEN


_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.mark.parametrize("page", ["/site", "/layout", "/progress", "/maps/progress.html"])
def test_pages_load_nothing_from_elsewhere(client, page):
    from townsgis.webmap.assets import check_offline

    for lang in ("zh", "en"):
        html = client.get(page, params={"lang": lang}).text
        if page.startswith("/maps"):  # the maps' own guard: everything inlined
            check_offline(html)
        else:  # the workbench's pages: scripts and styles from /static, no link elsewhere
            assert not _EXTERNAL.search(html)
        for ref in re.findall(r"""(?:src|href)="(/static/[^"]+)""", html):
            assert client.get(ref).status_code == 200, ref
    client.cookies.clear()  # a page with ?lang= sets the language cookie


def test_a_page_remembers_the_language(client):
    client.get("/site", params={"lang": "en"})
    r = client.get("/api/site", params={"lon": "x", "lat": 30, "category": "a", "level": "b"})
    assert "Parameter lon" in r.json()["error"]["message"]
    client.cookies.clear()


def test_scripts_and_styles_reference_no_cdn(client):
    from townsgis.web.app import HERE

    for f in (HERE / "static").iterdir():
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f.name
    for f in (HERE / "templates").iterdir():
        assert not re.search(r"https?://", f.read_text(encoding="utf-8")), f.name


def test_project_name_is_escaped_in_pages(xss_web):
    html = xss_web.get("/site").text
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html or "\\u003cimg src=x" in html


@pytest.fixture
def xss_web(project_copy):
    from townsgis.project import Project

    cfg = project_copy / "townsgis.toml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        re.sub(r'(?m)^name_zh = ".*"$', 'name_zh = "<img src=x onerror=alert(1)>"', text),
        encoding="utf-8",
    )
    app = create_app(Project.open(project_copy))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
