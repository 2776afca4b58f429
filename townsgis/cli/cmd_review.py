"""`townsgis review list|show|submit|start|approve|reject|withdraw`: the review trail of the
project's proposals (library: townsgis.review)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, group, text
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    RulesetOpt,
    TextFormat,
    TextFormatOpt,
    open_project,
)
from townsgis.messages import msg, register

register(
    {
        "review.verdict_line": (
            "规则集 {ruleset}：结论 {verdict}，引起 {n} 条发现，发现指纹 {fingerprint}",
            "rule set {ruleset}: {verdict}, {n} findings caused, findings fingerprint "
            "{fingerprint}",
        )
    }
)

review_app = group(
    app,
    "review",
    zh="拟选址的审查记录：已提交 → 审查中 → 已批准/已驳回/已撤回。",
    en="Review trail of proposals: submitted → under review → approved/rejected/withdrawn.",
)

IdArg = Annotated[
    str,
    typer.Argument(
        metavar="PROPOSAL_ID",
        help=text(
            "review.id",
            "拟选址编号（proposals 图层中的 proposal_id）。",
            "Proposal id (proposal_id in the proposals layer).",
        ),
    ),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        help=text(
            "review.by",
            "操作人（默认：当前操作系统用户）。",
            "Who acts (default: the operating-system user).",
        ),
    ),
]
ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason",
        help=text("review.reason", "理由（记入审查记录）。", "Why (recorded in the trail)."),
    ),
]


@command(
    review_app,
    "review list",
    zh="列出项目的每个拟选址及其审查状态和最近一步。",
    en="Every proposal of the project with its review state and last step.",
    examples=["townsgis review list", "townsgis review list --format json"],
)
def list_cmd(
    project: ProjectOpt = None, fmt: TextFormatOpt = TextFormat.text, lang: LangOpt = Lang.zh
) -> None:
    from townsgis.review import Step, list_json, state_label

    doc = list_json(open_project(project))
    if fmt == TextFormat.json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for row in doc["proposals"]:
        s = Step.from_dict(row["last"]) if row["last"] else None
        tail = f"  {s.at}  {s.actor}  {s.verdict.short()}" if s else ""
        typer.echo(f"{row['proposal_id']:<10} {state_label(row['state'], lang.value)}{tail}")


@command(
    review_app,
    "review show",
    zh="一个拟选址的完整审查记录：每一步的操作人、时间、理由和当时的结论"
    "（规则集、通过/不通过、发现指纹）。",
    en="The full trail of one proposal: each step with who, when, why and the verdict then "
    "(rule set, pass/fail, findings fingerprint).",
    examples=["townsgis review show PR-01"],
)
def show_cmd(
    proposal_id: IdArg,
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    from townsgis.review import state_label, trail, trail_json

    proj = open_project(project)
    if fmt == TextFormat.json:
        typer.echo(json.dumps(trail_json(proj, proposal_id), ensure_ascii=False, indent=2))
        return
    steps = trail(proj, proposal_id)
    if not steps:
        typer.echo(f"{proposal_id}: {state_label(None, lang.value)}")
        return
    for s in steps:
        v = s.verdict
        typer.echo(
            f"{s.at}  {state_label(s.state, lang.value)}  {s.actor}"
            + (f"  「{s.reason}」" if s.reason else "")
        )
        typer.echo("    " + msg("review.verdict_line", lang.value, **_verdict_words(v, lang.value)))


def _verdict_words(v, lang: str) -> dict:
    from townsgis import vocab

    return {
        "ruleset": f"{v.ruleset_id} v{v.ruleset_version}",
        "verdict": vocab.label("verdict", v.verdict, lang),
        "n": v.findings,
        "fingerprint": v.fingerprint,
    }


def _action(state: str):
    def action(
        proposal_id: IdArg,
        by: ByOpt = None,
        reason: ReasonOpt = "",
        ruleset: RulesetOpt = None,
        project: ProjectOpt = None,
        lang: LangOpt = Lang.zh,
    ) -> None:
        from townsgis.review import act, state_label

        step = act(
            open_project(project), proposal_id, state, actor=by, reason=reason, ruleset=ruleset
        )
        typer.echo(
            f"{step.proposal_id}: {state_label(step.state, lang.value)} ({step.actor}, "
            f"{step.at}; {step.verdict.short()})"
        )

    return action


for _name, _state, _zh, _en in (
    ("submit", "submitted", "提交一个拟选址供审查。", "Submit a proposal for review."),
    (
        "start",
        "under_review",
        "开始审查一个拟选址，并记录此刻的结论（再次运行可重新检查）。",
        "Take a proposal under review, recording its verdict now (run it again for a fresh check).",
    ),
    (
        "approve",
        "approved",
        "批准一个审查中的拟选址；若结论自审查以来已改变则拒绝批准。",
        "Approve a proposal under review; refused when its verdict has changed since review.",
    ),
    ("reject", "rejected", "驳回一个审查中的拟选址。", "Reject a proposal under review."),
    (
        "withdraw",
        "withdrawn",
        "撤回一个已提交或审查中的拟选址。",
        "Withdraw a submitted proposal or one under review.",
    ),
):
    _example = f"townsgis review {_name} PR-01 --reason 县政府论证同意"
    command(review_app, f"review {_name}", zh=_zh, en=_en, examples=[_example])(_action(_state))
