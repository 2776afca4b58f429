"""`townsgis review list|show|submit|start|approve|reject|withdraw`: the review trail of the
project's proposals (library: townsgis.review)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import (
    Lang,
    LangOpt,
    ProjectOpt,
    RulesetOpt,
    TextFormat,
    TextFormatOpt,
    examples,
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

review_app = typer.Typer(
    help="Review trail of proposals: submitted → under review → approved/rejected/withdrawn.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

IdArg = Annotated[str, typer.Argument(help="Proposal id (proposal_id in the proposals layer).")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who acts (default: the operating-system user).")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded in the trail).")]


@review_app.command(
    "list", epilog=examples("townsgis review list", "townsgis review list --format json")
)
def list_cmd(
    project: ProjectOpt = None, fmt: TextFormatOpt = TextFormat.text, lang: LangOpt = Lang.zh
) -> None:
    """Every proposal of the project with its review state and last step."""
    from townsgis.review import Step, list_json, state_label

    doc = list_json(open_project(project))
    if fmt == TextFormat.json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for row in doc["proposals"]:
        s = Step.from_dict(row["last"]) if row["last"] else None
        tail = f"  {s.at}  {s.actor}  {s.verdict.short()}" if s else ""
        typer.echo(f"{row['proposal_id']:<10} {state_label(row['state'], lang.value)}{tail}")


@review_app.command("show", epilog=examples("townsgis review show PR-01"))
def show_cmd(
    proposal_id: IdArg,
    project: ProjectOpt = None,
    fmt: TextFormatOpt = TextFormat.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """The full trail of one proposal: each step with who, when, why and the verdict then
    (rule set, pass/fail, findings fingerprint)."""
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


def _action(state: str, doc: str):
    def command(
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

    command.__doc__ = doc
    return command


for _name, _state, _doc in (
    ("submit", "submitted", "Submit a proposal for review."),
    (
        "start",
        "under_review",
        "Take a proposal under review, recording its verdict now (run it again for a fresh check).",
    ),
    (
        "approve",
        "approved",
        "Approve a proposal under review; refused when its verdict has changed since review.",
    ),
    ("reject", "rejected", "Reject a proposal under review."),
    ("withdraw", "withdrawn", "Withdraw a submitted proposal or one under review."),
):
    _example = f"townsgis review {_name} PR-01 --reason 县政府论证同意"
    review_app.command(_name, epilog=examples(_example))(_action(_state, _doc))
