"""`townsgis progress` end to end on a copy of the bundled project: formats, exit codes."""

from __future__ import annotations

import json

from openpyxl import load_workbook


def test_json_report_exit_0_and_every_section(cli, project_copy):
    r = cli("progress", "--project", project_copy, "--format", "json", "--quarter", "2019Q4")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["quarter"] == "2019Q4"
    assert {t["clause"] for t in d["targets"]} >= {"§2.1", "§2.2", "§2.3", "§2.4", "§2.5"}
    assert len(d["units"]) == 7 and d["synthetic"] is True


def test_text_report_in_chinese(cli, project_copy):
    r = cli("progress", "--project", project_copy)
    assert r.code == 0 and "2020年目标记分卡" in r.out and "湖州丝绸小镇" in r.out


def test_xlsx_written_atomically_and_inputs_untouched(cli, project_copy, tmp_path, sha256):
    ind = project_copy / "layers" / "indicators.csv"
    before = sha256(ind)
    out = tmp_path / "p.xlsx"
    r = cli("progress", "--project", project_copy, "--format", "xlsx", "-o", out)
    assert r.code == 0, r.err
    assert load_workbook(out).sheetnames[0] == "2020年目标记分卡"
    assert sha256(ind) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_xlsx_to_stdout_is_refused(cli, project_copy):
    r = cli("progress", "--project", project_copy, "--format", "xlsx")
    assert r.code == 2 and "-o" in r.err


def test_bad_indicators_exit_2_with_a_message(cli, project_copy):
    ind = project_copy / "layers" / "indicators.csv"
    lines = ind.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("HZ-01", "HZ-99", 1)
    ind.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("progress", "--project", project_copy)
    assert r.code == 2
    assert "indicators.csv" in r.err and "第 2 行“town_id”列" in r.err and "HZ-99" in r.err
    assert "Traceback" not in r.err


def test_quarter_outside_the_data_exit_2(cli, project_copy):
    r = cli("progress", "--project", project_copy, "--quarter", "2023Q1")
    assert r.code == 2 and "不在指标表的范围内" in r.err
    r = cli("progress", "--project", project_copy, "--quarter", "2019-4")
    assert r.code == 2 and "YYYYQn" in r.err


def test_stall_quarters_option(cli, project_copy):
    def n(k):
        r = cli("progress", "--project", project_copy, "--format", "json", "--stall-quarters", k)
        return len(json.loads(r.out)["stalled"])

    assert n(2) >= n(4) >= n(8)
