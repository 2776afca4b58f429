"""The workbench's JSON API: every endpoint, the CLI's JSON shapes, bad input (4xx with a
message in the user's language, never a 500) and the CSRF guard."""

from __future__ import annotations

import json

import pytest

from tests.web.points import GAP_TOWN_NAME, PASS_POINT, gap_point


def site(client, lon, lat, **kw):
    params = {"lon": lon, "lat": lat, "category": "制造业", "level": "市级", **kw}
    return client.get("/api/site", params=params)


def test_session_gives_labels_not_ids(client):
    d = client.get("/api/session").json()
    assert d["lang"] == "zh" and d["csrf"]
    assert d["labels"]["category"]["manufacturing"] == "制造类"
    assert d["labels"]["level"]["provincial_cultivation"] == "省级培育"
    assert d["units"]["330521"] == "德清县"
    assert d["project"]["read_only"] is True
    en = client.get("/api/session", params={"lang": "en"}).json()
    assert en["units"]["330521"] == "Deqing County" and en["texts"]["nav_site"] == "Site"


def test_site_in_the_gap_fails_3_1_2a_and_names_the_town(client):
    r = site(client, *gap_point())
    assert r.status_code == 200
    s = r.json()["sites"][0]
    assert s["verdict"] == "fail" and s["unit_id"] == "330521"
    gap = [f for f in s["findings"] if f["clause"] == "§3.1.2a"]
    assert gap and gap[0]["measured"] == pytest.approx(500, abs=2)
    assert GAP_TOWN_NAME in gap[0]["message"]
    assert s["nearest"][0]["name_zh"] == GAP_TOWN_NAME
    assert r.json()["rules"][gap[0]["rule"]]["clause"] == "§3.1.2a"


def test_site_matches_the_cli_json(client, cli):
    lon, lat = gap_point()
    r = site(client, lon, lat, name="候选")
    out = cli("site", "--lon", lon, "--lat", lat, "--category", "manufacturing",
              "--level", "municipal", "--name", "候选", "--format", "json")  # fmt: skip
    assert out.code == 1
    assert r.json()["sites"] == json.loads(out.out)["sites"]


def test_passing_site_and_what_the_mix_becomes(client):
    r = site(client, *PASS_POINT, level="省级培育")
    s = r.json()["sites"][0]
    assert s["verdict"] == "pass"
    mix = s["mix"][0]["shares"]["manufacturing"]
    assert mix["count"] == 7 and s["mix"][0]["total"] == 15
    caps = {c["rule"]: c for c in s["capacity"]["unit"] + s["capacity"]["city"]}
    assert caps["HZ-CAP-UNIT"]["remaining_after"] == 0


def test_site_english_messages(client):
    r = site(client, *gap_point(), lang="en")
    f = [f for f in r.json()["sites"][0]["findings"] if f["clause"] == "§3.1.2a"][0]
    assert "0.50 km apart" in f["message"]


@pytest.mark.parametrize(
    ("params", "status", "zh", "en"),
    [
        ({"lon": "abc"}, 422, "参数 lon 无效", "Parameter lon is not valid"),
        ({"lon": "nan"}, 422, "参数 lon 无效", "Parameter lon is not valid"),
        ({"lat": 95}, 422, "参数 lat 无效", "Parameter lat is not valid"),
        ({"area_km2": 0}, 422, "area_km2", "area_km2"),
        ({"category": "农业"}, 400, "无法识别的类别", "unknown category"),
        ({"level": "国家级"}, 400, "无法识别的级别", "unknown level"),
        ({"lon": 100.0, "lat": 30.5}, 400, "之外", "outside"),
        ({"crs": "mars"}, 422, "参数 crs 无效", "Parameter crs is not valid"),
        ({"ruleset": "../../etc/passwd"}, 422, "ruleset", "ruleset"),
        ({"ruleset": "nope"}, 400, "nope", "nope"),
    ],
)
def test_bad_site_requests_get_4xx_in_the_users_language(client, params, status, zh, en):
    base = {"lon": 120.27, "lat": 30.605, "category": "制造业", "level": "市级"}
    for lang, word in (("zh", zh), ("en", en)):
        r = client.get("/api/site", params={**base, **params, "lang": lang})
        assert r.status_code == status, r.text
        err = r.json()["error"]
        assert word in err["message"]
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
        assert "Traceback" not in r.text


def test_missing_parameter(client):
    r = client.get("/api/site", params={"lon": 120.27, "category": "制造业", "level": "市级"})
    assert r.status_code == 422 and "缺少参数 lat" in r.json()["error"]["message"]


def test_drawn_polygon(client, csrf):
    lon, lat = PASS_POINT
    d = 0.01
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    body = {"geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
            "category": "manufacturing", "level": "省级培育", "name": "画的范围"}  # fmt: skip
    r = client.post("/api/site", json=body, headers=csrf)
    assert r.status_code == 200, r.text
    s = r.json()["sites"][0]
    assert s["name"] == "画的范围" and s["verdict"] == "pass"


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
        {"type": "LineString", "coordinates": [[120, 30], [120.1, 30.1]]},
        {"type": "Blob"},
        {"type": "Point", "coordinates": ["a", "b"]},
        {
            "type": "Polygon",
            "coordinates": [[[120, 30], [120.1, 30.1], [120.1, 30], [120, 30.1], [120, 30]]],
        },  # fmt: skip
    ],
)
def test_bad_geometry_is_4xx(client, csrf, geometry):
    body = {"geometry": geometry, "category": "制造业", "level": "市级"}
    r = client.post("/api/site", json=body, headers=csrf)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["message"]


def test_post_without_csrf_token_is_refused(client, csrf):
    body = {"geometry": {"type": "Point", "coordinates": list(PASS_POINT)},
            "category": "制造业", "level": "市级"}  # fmt: skip
    r = client.post("/api/site", json=body)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = client.post("/api/site", json=body, headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403
    cross = {**csrf, "Origin": "http://evil.example"}
    assert client.post("/api/site", json=body, headers=cross).status_code == 403
    same = {**csrf, "Origin": "http://127.0.0.1"}
    assert client.post("/api/site", json=body, headers=same).status_code == 200


def test_invalid_json_body(client, csrf):
    r = client.post("/api/site", content=b"{not json", headers={**csrf,
                    "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["message"]


def test_check_is_the_cli_json(client, cli):
    r = client.get("/api/check")
    out = cli("check", "--format", "json")
    assert r.status_code == 200 and r.json() == json.loads(out.out)
    g = client.get("/api/check", params={"format": "geojson", "lang": "en"}).json()
    assert g["type"] == "FeatureCollection" and len(g["features"]) == len(r.json()["findings"])


def test_capacity_is_the_cli_json(client, cli):
    out = cli("capacity", "--format", "json")
    assert client.get("/api/capacity").json() == json.loads(out.out)


def test_feasible_matches_the_cli(client, cli, tmp_path):
    r = client.get("/api/feasible", params={"category": "制造业", "level": "省级创建"})
    assert r.status_code == 200
    d = r.json()
    out = cli("feasible", "--category", "manufacturing", "--format", "json",
              "-o", tmp_path / "f.geojson")  # fmt: skip
    cli_d = json.loads(out.out)
    cli_d.pop("output")
    geo = d.pop("geojson")
    assert d == cli_d
    assert geo["type"] == "FeatureCollection" and geo["features"]
    bad = client.get("/api/feasible", params={"category": "x"})
    assert bad.status_code == 400


def test_progress_is_the_cli_json(client, cli):
    out = cli("progress", "--format", "json")
    d = client.get("/api/progress").json()
    titles = d.pop("titles")
    assert d == json.loads(out.out)
    assert titles["T-FAI"] and not titles["T-FAI"].startswith("T-")
    # the titles the text report prints: the worst year of an every-year target, 力争 marked
    text = cli("progress")
    for tid in ("T-PASS-RATE", "T-NAMED-2018-STRETCH", "T-CULTURE-GROWTH"):
        assert titles[tid] in text.out, tid
    assert "最差 2019年" in titles["T-PASS-RATE"] and "（力争）" in titles["T-PASS-RATE"]
    assert client.get("/api/progress", params={"quarter": "2019Q9"}).status_code == 422
    r = client.get("/api/progress", params={"quarter": "1990Q1"})
    assert r.status_code == 400 and r.json()["error"]["message"]


def test_layers(client):
    towns = client.get("/api/layers/towns").json()
    assert len(towns["features"]) == 14
    assert client.get("/api/layers/secrets").status_code == 422


def test_proposals_list_has_verdicts(client):
    d = client.get("/api/proposals").json()
    assert d["proposals"]
    first = d["proposals"][0]
    assert first["proposal_id"] == "PR-01" and first["site"]["verdict"] == "pass"


def test_saving_into_the_sample_is_refused(client, csrf):
    body = {"geometry": {"type": "Point", "coordinates": list(PASS_POINT)}, "name": "x",
            "category": "制造业", "level": "市级"}  # fmt: skip
    r = client.post("/api/proposals", json=body, headers=csrf)
    assert r.status_code == 403 and "只读" in r.json()["error"]["message"]


def test_save_a_proposal_and_list_it(writable):
    app, c, csrf = writable
    body = {"geometry": {"type": "Point", "coordinates": list(PASS_POINT)},
            "name": "新市智造<script>", "submitter": "张工", "note": "会上提出",
            "category": "制造业", "level": "省级培育"}  # fmt: skip
    r = c.post("/api/proposals", json=body, headers=csrf)
    assert r.status_code == 201, r.text
    pid = r.json()["proposal"]["proposal_id"]
    listed = {p["proposal_id"]: p for p in c.get("/api/proposals").json()["proposals"]}
    p = listed[pid]
    assert p["name_zh"] == "新市智造<script>" and p["submitter"] == "张工"
    assert p["category"] == "manufacturing" and p["site"]["verdict"] == "pass"
    assert p["submitted_at"]
    # the previous layer is kept in the project's history (the store's append)
    assert app.state.settings.project.store.history("proposals")


def test_bad_proposal_is_refused_and_nothing_written(writable, sha256):
    app, c, csrf = writable
    path = app.state.settings.project.layer_path("proposals")
    before = sha256(path)
    body = {"geometry": {"type": "Point", "coordinates": [100.0, 30.0]}, "name": "远方",
            "category": "制造业", "level": "市级"}  # fmt: skip
    r = c.post("/api/proposals", json=body, headers=csrf)
    assert r.status_code == 400 and r.json()["error"]["message"]
    empty = {**body, "geometry": {"type": "Point", "coordinates": list(PASS_POINT)}, "name": " "}
    assert c.post("/api/proposals", json=empty, headers=csrf).status_code == 400
    assert sha256(path) == before


def test_concurrent_saves_lose_nothing(writable):
    from concurrent.futures import ThreadPoolExecutor

    app, c, csrf = writable
    n = 8

    def save(i):
        lon, lat = PASS_POINT
        body = {"geometry": {"type": "Point", "coordinates": [lon + i * 1e-4, lat]},
                "name": f"并发{i}", "category": "制造业", "level": "市级"}  # fmt: skip
        return c.post("/api/proposals", json=body, headers=csrf)

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(save, range(n)))
    assert all(r.status_code == 201 for r in results), [r.text for r in results]
    ids = [r.json()["proposal"]["proposal_id"] for r in results]
    assert len(set(ids)) == n
    names = {p["name_zh"] for p in c.get("/api/proposals").json()["proposals"]}
    assert {f"并发{i}" for i in range(n)} <= names


def test_not_found_and_method(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and "未找到" in r.json()["error"]["message"]
    r = client.delete("/api/site", headers={"X-CSRF-Token": "x"})
    assert r.status_code in (403, 405)


def test_openapi_document_lists_the_api(client):
    doc = client.get("/openapi.json").json()
    for path in ("/api/site", "/api/site/upload", "/api/check", "/api/capacity",
                 "/api/feasible", "/api/progress", "/api/proposals"):  # fmt: skip
        assert path in doc["paths"]


def test_layout_map_is_the_map_model(client):
    d = client.get("/api/map/layout").json()
    ids = [ly["id"] for ly in d["layers"]]
    assert "towns" in ids and "units" in ids
    towns = next(ly for ly in d["layers"] if ly["id"] == "towns")["geojson"]["features"]
    assert len(towns) == 14 and all(f["properties"]["style"] for f in towns)
    assert len(d["findings"]) == len(client.get("/api/check").json()["findings"])
    assert all(f["severity"] in ("error", "warning", "info") for f in d["findings"])
    assert any(f["units"] for f in d["findings"]) and any(f["city_wide"] for f in d["findings"])
    en = client.get("/api/map/layout", params={"lang": "en"}).json()
    assert en["lang"] == "en" and en["title"] != d["title"]


def test_area_bound_is_the_clis(client, cli):
    """The workbench takes the same largest footprint as the CLI (validate.MAX_AREA_KM2)."""
    from townsgis.validate import MAX_AREA_KM2

    assert site(client, *PASS_POINT, area_km2=MAX_AREA_KM2).status_code == 200
    assert site(client, *PASS_POINT, area_km2=MAX_AREA_KM2 * 1.001).status_code == 422
    lon, lat = PASS_POINT
    args = ("site", "--lon", lon, "--lat", lat, "--category", "制造业", "--level", "市级")
    assert cli(*args, "--area-km2", MAX_AREA_KM2).code in (0, 1)
    assert cli(*args, "--area-km2", MAX_AREA_KM2 * 1.001).code == 2
