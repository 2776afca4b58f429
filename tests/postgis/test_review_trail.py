"""The review trail of proposals, on both stores: steps with who, when, why and the verdict
then; refused moves; approving after the verdict changed; two processes at once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from townsgis.project import Project
from townsgis.review import (
    ReviewError,
    approve,
    proposal_verdict,
    start_review,
    submit,
    trail,
)


def _steps(cli, spec, pid="PR-01"):
    r = cli("review", "show", pid, "--format", "json", "--project", spec)
    assert r.code == 0, r.text
    return json.loads(r.out)["steps"]


def test_submitted_to_approved_shows_the_full_trail(cli, both_stores):
    """Acceptance: each step with its actor, time, reason and findings fingerprint."""
    spec = both_stores
    for args in (
        ("submit", "PR-01", "--by", "张三", "--reason", "德清县申报"),
        ("start", "PR-01", "--by", "李四"),
        ("approve", "PR-01", "--by", "王五", "--reason", "符合布局要求"),
    ):
        r = cli("review", *args, "--project", spec)
        assert r.code == 0, r.text
    steps = _steps(cli, spec)
    assert [s["state"] for s in steps] == ["submitted", "under_review", "approved"]
    assert [s["actor"] for s in steps] == ["张三", "李四", "王五"]
    assert steps[0]["reason"] == "德清县申报" and steps[2]["reason"] == "符合布局要求"
    now = proposal_verdict(Project.open(spec), "PR-01")
    for s in steps:
        v = s["verdict"]
        assert (v["ruleset_id"], v["ruleset_version"]) == ("huzhou-2018", now.ruleset_version)
        assert v["verdict"] == now.verdict and v["fingerprint"] == now.fingerprint
        assert len(v["fingerprint"]) == 32 and s["at"].endswith("Z")
    assert len({s["verdict"]["fingerprint"] for s in steps}) == 1
    text = cli("review", "show", "PR-01", "--project", spec).out
    assert text.count("发现指纹 " + steps[0]["verdict"]["fingerprint"]) == 3
    assert "已批准" in text and "王五" in text
    listed = cli("review", "list", "--project", spec, "--lang", "en").out
    assert "PR-01      approved" in listed and "PR-02      not submitted" in listed


def test_moves_the_trail_does_not_allow_exit_2(cli, both_stores):
    spec = both_stores
    r = cli("review", "approve", "PR-02", "--project", spec, "--lang", "en")
    assert r.code == 2 and "not submitted; it cannot become approved" in r.err
    assert cli("review", "submit", "PR-02", "--project", spec).code == 0
    r = cli("review", "approve", "PR-02", "--project", spec)
    assert r.code == 2 and "当前为“已提交”" in r.err
    assert cli("review", "withdraw", "PR-02", "--project", spec).code == 0
    assert cli("review", "submit", "PR-02", "--project", spec).code == 0  # resubmitted
    r = cli("review", "submit", "PR-99", "--project", spec, "--lang", "en")
    assert r.code == 2 and "PR-99 is not in the project's proposals layer" in r.err
    assert [s["state"] for s in _steps(cli, spec, "PR-02")] == [
        "submitted",
        "withdrawn",
        "submitted",
    ]


def test_approving_after_the_verdict_changed_asks_for_a_fresh_check(cli, both_stores):
    spec = both_stores
    project = Project.open(spec)
    submit(project, "PR-01", actor="张三")
    reviewed = start_review(project, "PR-01", actor="李四")
    # a new town lands on the proposal's site: the verdict changes
    store = project.store
    towns = store.read_layer("towns")
    new = towns[towns["town_id"] == "HZ-06"].copy()
    new["town_id"] = "HZ-99"
    new["name_zh"] = "新增小镇"
    new["geometry"] = store.read_layer("proposals").geometry.iloc[0]
    store.write_layer("towns", new, "append")
    r = cli("review", "approve", "PR-01", "--by", "王五", "--project", spec, "--lang", "en")
    assert r.code == 2 and "has changed since it was reviewed" in r.err
    assert "review start PR-01" in r.err
    assert [s.state for s in trail(project, "PR-01")] == ["submitted", "under_review"]
    fresh = start_review(project, "PR-01", actor="李四", reason="重新核查")
    assert fresh.verdict.verdict == "fail"  # it now overlaps a town
    assert fresh.verdict.findings > reviewed.verdict.findings
    assert fresh.verdict.fingerprint != reviewed.verdict.fingerprint
    step = approve(project, "PR-01", actor="王五", reason="经论证同意")
    assert step.verdict == fresh.verdict
    with pytest.raises(ReviewError):
        approve(project, "PR-01", actor="王五")


APPROVER = """
import sys, time
from pathlib import Path
from townsgis.errors import TownsgisError
from townsgis.project import Project
from townsgis.review import act

spec, state, who, go = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
project = Project.open(spec)
while not go.exists():
    time.sleep(0.01)
try:
    act(project, "PR-01", state, actor=who)
except TownsgisError as exc:
    print("refused", exc.render("en"))
    sys.exit(3)
print("done")
"""


def test_two_processes_deciding_one_proposal_at_once_one_wins(both_stores, tmp_path):
    project = Project.open(both_stores)
    submit(project, "PR-01", actor="张三")
    start_review(project, "PR-01", actor="李四")
    script = tmp_path / "decide.py"
    script.write_text(textwrap.dedent(APPROVER), encoding="utf-8")
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), both_stores, state, who, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for state, who in (("approved", "王五"), ("rejected", "赵六"))
    ]
    time.sleep(1.0)
    go.write_text("go")
    results = [(p.wait(timeout=300), p.communicate()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 3], results
    steps = trail(project, "PR-01")
    assert [s.state for s in steps][:2] == ["submitted", "under_review"]
    assert len(steps) == 3 and steps[2].state in ("approved", "rejected")
