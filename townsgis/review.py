"""The review trail of proposals: submitted → under review → approved / rejected / withdrawn.

Each step records who, when, why and the verdict at that moment: the rule set (id, version)
and the proposal's verdict with a fingerprint of its findings (each proposal judged alone
against the current layout, as ``townsgis site`` does). The trail is the project's
``reviews`` log (a table in PostGIS, ``layers/reviews.jsonl`` in a folder); steps are
appended under the log's lock after the transition is checked against the trail as it is
then, so two people acting on one proposal at once cannot both succeed.

Approving needs the verdict the reviewer saw: when the fingerprint (or the rule set) has
changed since the last "under review" step, ``approve`` refuses and asks for a fresh check
(``start_review`` again). The CLI (``townsgis review``) and the web workbench call these
functions.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from townsgis.errors import TownsgisError
from townsgis.i18n import get_lang
from townsgis.messages import register
from townsgis.store import now_utc

if TYPE_CHECKING:
    from townsgis.project import Project

SUBMITTED, UNDER_REVIEW = "submitted", "under_review"
APPROVED, REJECTED, WITHDRAWN = "approved", "rejected", "withdrawn"
STATES = (SUBMITTED, UNDER_REVIEW, APPROVED, REJECTED, WITHDRAWN)
# from state (None: no trail yet) -> states it may move to
NEXT: dict[str | None, tuple[str, ...]] = {
    None: (SUBMITTED,),
    SUBMITTED: (UNDER_REVIEW, WITHDRAWN),
    UNDER_REVIEW: (UNDER_REVIEW, APPROVED, REJECTED, WITHDRAWN),
    REJECTED: (SUBMITTED,),
    WITHDRAWN: (SUBMITTED,),
    APPROVED: (),
}
STATE_LABELS = {
    None: ("未提交", "not submitted"),
    SUBMITTED: ("已提交", "submitted"),
    UNDER_REVIEW: ("审查中", "under review"),
    APPROVED: ("已批准", "approved"),
    REJECTED: ("已驳回", "rejected"),
    WITHDRAWN: ("已撤回", "withdrawn"),
}

register(
    {
        "review.no_proposal": (
            "提案 {pid} 不在项目的提案图层中（现有：{known}）",
            "proposal {pid} is not in the project's proposals layer (known: {known})",
        ),
        "review.no_proposals": (
            "项目没有提案图层；先用 `townsgis import proposals FILE` 导入",
            "the project has no proposals layer; import one with `townsgis import proposals FILE`",
        ),
        "review.bad_move": (
            "提案 {pid} 当前为“{state}”，不能改为“{new}”（可改为：{allowed}）",
            "proposal {pid} is {state}; it cannot become {new} (allowed: {allowed})",
        ),
        "review.stale": (
            "提案 {pid} 的审查结论已变化：审查时（{at}，{actor}）为 {old}，现在为 {now}；"
            "请先重新审查（`townsgis review start {pid}`）再批准",
            "the verdict on proposal {pid} has changed since it was reviewed ({at}, by "
            "{actor}: {old}; now: {now}); run a fresh check first "
            "(`townsgis review start {pid}`), then approve",
        ),
    }
)


class ReviewError(TownsgisError):
    """A review action that the trail does not allow (exit 2)."""


def state_label(state: str | None, lang: str = "zh") -> str:
    from townsgis.i18n import pick

    return pick(*STATE_LABELS[state], lang)


@dataclass(frozen=True)
class Verdict:
    """A proposal's verdict under one rule set: ``pass``/``fail``, the number of findings it
    causes and the fingerprint of those findings (``townsgis.fingerprint``)."""

    ruleset_id: str
    ruleset_version: str
    verdict: str
    findings: int
    fingerprint: str

    def short(self) -> str:
        return f"{self.ruleset_id} v{self.ruleset_version} {self.verdict} #{self.fingerprint[:12]}"


@dataclass(frozen=True)
class Step:
    """One step of a proposal's trail."""

    proposal_id: str
    state: str
    actor: str
    at: str
    reason: str
    verdict: Verdict

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Step:
        return cls(**{**d, "verdict": Verdict(**d["verdict"])})


def proposal_verdict(project: Project, proposal_id: str, ruleset: str | None = None) -> Verdict:
    """The verdict on proposal ``proposal_id`` now: judged alone against the current layout
    with ``ruleset`` (default: the project's)."""
    from townsgis.engine import load_inputs
    from townsgis.fingerprint import verdict_fingerprint
    from townsgis.siting import evaluate_sites, sites_from_frame

    ds, rs = load_inputs(project, ruleset)
    row = _proposal_row(ds, proposal_id)
    sites = sites_from_frame(ds, row, project.store.layer_source("proposals"))
    site = evaluate_sites(ds, rs, sites).sites[0]
    return Verdict(
        ruleset_id=rs.id,
        ruleset_version=str(rs.version),
        verdict=site.verdict,
        findings=len(site.findings),
        fingerprint=verdict_fingerprint(site.findings),
    )


def _proposal_row(ds, proposal_id: str):
    props = ds.proposals
    if props is None or props.empty:
        raise ReviewError.of("review.no_proposals")
    ids = props["proposal_id"].astype(str).str.strip()
    hit = props[(ids == str(proposal_id)).to_numpy()]
    if hit.empty:
        known = ", ".join(sorted(ids.tolist())[:20])
        raise ReviewError.of("review.no_proposal", pid=proposal_id, known=known)
    return hit.iloc[[0]]


def trail(project: Project, proposal_id: str | None = None) -> list[Step]:
    """The steps of one proposal (or of all), oldest first."""
    steps = [Step.from_dict(e) for e in project.store.read_log("reviews")]
    if proposal_id is None:
        return steps
    return [s for s in steps if s.proposal_id == str(proposal_id)]


def current(project: Project) -> dict[str, Step]:
    """The latest step of each proposal that has a trail."""
    out: dict[str, Step] = {}
    for s in trail(project):
        out[s.proposal_id] = s
    return out


def list_json(project: Project) -> dict:
    """``{"proposals": [{"proposal_id", "state", "last"}]}``: every proposal of the layer
    (then any other with a trail), its state (None: not submitted) and last step. The shape
    of ``townsgis review list --format json`` and of the web API."""
    latest = current(project)
    ids: list[str] = []
    store = project.store
    if store.has_layer("proposals"):
        props = store.read_layer("proposals")
        if "proposal_id" in props.columns:
            ids = [str(v).strip() for v in props["proposal_id"]]
    ids += [p for p in latest if p not in ids]
    rows = []
    for pid in ids:
        step = latest.get(pid)
        rows.append(
            {
                "proposal_id": pid,
                "state": step.state if step else None,
                "last": step.to_dict() if step else None,
            }
        )
    return {"proposals": rows}


def trail_json(project: Project, proposal_id: str) -> dict:
    """``{"proposal_id", "state", "steps": [...]}``: the shape of ``townsgis review show
    --format json`` and of the web API."""
    steps = trail(project, proposal_id)
    return {
        "proposal_id": str(proposal_id),
        "state": steps[-1].state if steps else None,
        "steps": [s.to_dict() for s in steps],
    }


ACTIONS = {
    "submit": SUBMITTED,
    "start": UNDER_REVIEW,
    "approve": APPROVED,
    "reject": REJECTED,
    "withdraw": WITHDRAWN,
}


def act(
    project: Project,
    proposal_id: str,
    state: str,
    *,
    actor: str | None = None,
    reason: str = "",
    ruleset: str | None = None,
) -> Step:
    """Move proposal ``proposal_id`` to ``state``, recording who (default: the OS user),
    when, why and the verdict now. ReviewError when the trail does not allow the move, or
    when approving after the verdict changed since review."""
    if state not in STATES:
        raise ValueError(f"unknown review state {state!r}")
    pid = str(proposal_id)
    verdict = proposal_verdict(project, pid, ruleset)
    step = Step(
        proposal_id=pid,
        state=state,
        actor=actor or _os_user(),
        at=now_utc(),
        reason=reason,
        verdict=verdict,
    )

    def check(entries: list[dict]) -> None:
        mine = [Step.from_dict(e) for e in entries if e.get("proposal_id") == pid]
        last = mine[-1] if mine else None
        now = last.state if last else None
        if state not in NEXT[now]:
            from townsgis.messages import joined

            allowed = joined(state_label(s, get_lang()) for s in NEXT[now]) or "—"
            raise ReviewError.of(
                "review.bad_move",
                pid=pid,
                state=state_label(now, get_lang()),
                new=state_label(state, get_lang()),
                allowed=allowed,
            )
        if state == APPROVED and last is not None:
            old = last.verdict
            if (old.ruleset_id, old.ruleset_version, old.fingerprint) != (
                verdict.ruleset_id,
                verdict.ruleset_version,
                verdict.fingerprint,
            ):
                raise ReviewError.of(
                    "review.stale",
                    pid=pid,
                    at=last.at,
                    actor=last.actor,
                    old=old.short(),
                    now=verdict.short(),
                )

    project.store.append_log("reviews", step.to_dict(), check=check)
    return step


def submit(project: Project, proposal_id: str, **kw) -> Step:
    return act(project, proposal_id, SUBMITTED, **kw)


def start_review(project: Project, proposal_id: str, **kw) -> Step:
    """Take a proposal under review (again: a fresh check of its verdict)."""
    return act(project, proposal_id, UNDER_REVIEW, **kw)


def approve(project: Project, proposal_id: str, **kw) -> Step:
    return act(project, proposal_id, APPROVED, **kw)


def reject(project: Project, proposal_id: str, **kw) -> Step:
    return act(project, proposal_id, REJECTED, **kw)


def withdraw(project: Project, proposal_id: str, **kw) -> Step:
    return act(project, proposal_id, WITHDRAWN, **kw)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
