"""Recorded check runs (the project's ``runs`` log) and what changed since one of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from townsgis.errors import DataError
from townsgis.fingerprint import Changes, compare, run_record
from townsgis.messages import register
from townsgis.store import now_utc

if TYPE_CHECKING:
    from townsgis.engine import CheckResult
    from townsgis.project import Project

LAST = "last"

register(
    {
        "runs.bad_file": (
            "{file}：不是 `townsgis check --format json` 的输出（{reason}）",
            "{file}: not the output of `townsgis check --format json` ({reason})",
        ),
        "runs.not_recorded": (
            "内置示例项目为只读，本次运行未记录（用 townsgis init DIR --sample 复制一份）",
            "the bundled sample is read-only; this run was not recorded "
            "(make a copy with townsgis init DIR --sample)",
        ),
        "runs.other_ruleset": (
            "{file}：是规则集 {other} 的结果，本次用的是 {ruleset}",
            "{file}: holds a run of rule set {other}, this run uses {ruleset}",
        ),
    }
)


def last_run(project: Project, ruleset_id: str) -> dict | None:
    """The newest recorded run of rule set ``ruleset_id`` in the project, or None."""
    runs = [r for r in project.store.read_log("runs") if r.get("ruleset_id") == ruleset_id]
    return runs[-1] if runs else None


def record_run(project: Project, result: CheckResult) -> dict:
    """Append this run to the project's ``runs`` log; returns the record."""
    record = run_record(result, now_utc())
    project.store.append_log("runs", record)
    return record


def changes_since(project: Project, result: CheckResult, since: str) -> Changes:
    """This run against ``since``: ``last`` (the newest recorded run of the same rule set;
    everything is new when there is none) or a ``check --format json`` file."""
    if since == LAST:
        earlier = last_run(project, result.ruleset.id) or {"at": "", "findings": []}
        return compare(result.findings, earlier)
    path = Path(since)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        findings = doc["findings"]
        rid = doc["ruleset"]["id"]
        if not all("key" in f for f in findings):
            raise KeyError("key")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        raise DataError.of("runs.bad_file", file=str(path), reason=reason) from None
    if rid != result.ruleset.id:
        raise DataError.of(
            "runs.other_ruleset", file=str(path), other=rid, ruleset=result.ruleset.id
        )
    return compare(result.findings, {"at": str(path), "findings": findings})
