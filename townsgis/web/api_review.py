"""``/api/reviews``: the review trail of the project's proposals (``townsgis.review``), the
same actions and JSON shapes as ``townsgis review``: list, one trail, and a step
(submit, start, approve, reject, withdraw) recording who, why and the verdict now.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from townsgis.i18n import using
from townsgis.web import deps
from townsgis.web.deps import LangQ, RulesetQ
from townsgis.web.errors import WebError

router = APIRouter(prefix="/api", tags=["reviews"])
ProposalId = Annotated[str, Field(min_length=1, max_length=100)]


class Action(StrEnum):
    submit = "submit"
    start = "start"
    approve = "approve"
    reject = "reject"
    withdraw = "withdraw"


class StepIn(BaseModel):
    """One review action: who acts and why."""

    model_config = ConfigDict(extra="forbid")
    action: Action
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    reason: Annotated[str, Field(max_length=2000)] = ""


@router.get("/reviews", summary="Every proposal with its review state and last step")
def list_reviews(request: Request, lang: LangQ = None) -> dict:
    from townsgis.review import list_json

    with using(deps.lang_of(request)):
        return list_json(deps.settings(request).project)


@router.get("/reviews/{proposal_id}", summary="The review trail of one proposal")
def show_review(request: Request, proposal_id: str, lang: LangQ = None) -> dict:
    from townsgis.review import trail_json

    with using(deps.lang_of(request)):
        return trail_json(deps.settings(request).project, proposal_id[:100])


@router.post("/reviews/{proposal_id}", status_code=201, summary="Add a step to a trail")
async def review_step(
    request: Request, proposal_id: str, body: StepIn, ruleset: RulesetQ = None, lang: LangQ = None
) -> dict:
    """Moves the proposal on (ReviewError, a 400 answer, when the trail does not allow it or
    the verdict changed since review); the answer is the recorded step."""
    from townsgis.review import ACTIONS, act

    s = deps.settings(request)
    lg = deps.lang_of(request)
    if s.read_only:
        raise WebError(403, "err_read_only")

    def work():
        with using(lg):
            return act(
                s.project,
                proposal_id[:100],
                ACTIONS[body.action.value],
                actor=body.actor.strip(),
                reason=body.reason.strip(),
                ruleset=ruleset,
            )

    step = await run_in_threadpool(work)
    return step.to_dict()
