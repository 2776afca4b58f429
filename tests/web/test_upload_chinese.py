"""Uploads of a CSV/XLSX with the Chinese headers 名称,经度,纬度,类别,级别: one verdict per row."""

from __future__ import annotations

import io

from tests.web.points import gap_point
from tests.web.test_uploads import CSV, PASS_POINT, csv_bytes, upload


def test_csv_with_chinese_headers_one_verdict_per_row(client, csrf):
    r = upload(client, csrf, "选址.csv", csv_bytes())
    assert r.status_code == 200, r.text
    sites = r.json()["sites"]
    assert [s["name"] for s in sites] == ["新市候选", "地信旁"]
    assert [s["verdict"] for s in sites] == ["pass", "fail"]
    assert any(f["clause"] == "§3.1.2a" for f in sites[1]["findings"])


def test_gbk_csv(client, csrf):
    r = upload(client, csrf, "选址.csv", csv_bytes("gb18030"))
    assert r.status_code == 200, r.text
    assert len(r.json()["sites"]) == 2


def test_xlsx_with_chinese_headers(client, csrf):
    from openpyxl import Workbook

    wb = Workbook()
    for line in CSV.format(p=PASS_POINT, g=gap_point()).strip().splitlines():
        wb.active.append([float(v) if v[:1].isdigit() else v for v in line.split(",")])
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(client, csrf, "选址.xlsx", buf.getvalue())
    assert r.status_code == 200, r.text
    assert [s["verdict"] for s in r.json()["sites"]] == ["pass", "fail"]
