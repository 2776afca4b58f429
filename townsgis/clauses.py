"""Every clause of the notice (ids of docs/notice-digest.md) and how the project covers the
ones no rule or target cites: a report, a review item (a person judges it on the plan: the
layout data cannot show it) or out of scope. docs/rules.md builds its clause table from this
and from the rule sets' citations; a test checks that every clause of the digest is here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    """A clause of the notice: id, what it asks (en) and, when no rule or target covers it,
    how it is covered (``how``: report, review or out of scope, with a note)."""

    id: str
    text: str
    how: str | None = None
    note: str = ""
    readings: tuple[str, ...] = ()


HOW = ("rule", "target", "report", "review", "out of scope")

CLAUSES: tuple[Clause, ...] = (
    Clause("§2.1", "≥ 8 towns named by 2020; 2018: at least 1 (确保), striving for 2 (力争)"),
    Clause("§2.2", "assessment pass rate 100% every year, excellent > 20% (力争)"),
    Clause("§2.3", "≥ 400 key projects; FAI ≥ 600 亿元; specialty ≥ 70%; non-government ≥ 80%"),
    Clause("§2.4", "teams, talents, Thousand Talents experts, national R&D centres"),
    Clause("§2.5", "tax, main-business revenue, services revenue, tourist visits"),
    Clause("§3.1.1a", "all towns ≤ 20"),
    Clause("§3.1.1b", "provincial creation + cultivation ≤ 15", readings=("named_in_caps",)),
    Clause(
        "§3.1.1c",
        "≤ 3 provincial towns per county (原则上); each zone ≤ 2",
        readings=("named_in_caps", "in_principle_scope"),
    ),
    Clause(
        "§3.1.2a",
        "sites relatively independent (distances, and sites not on open water: the rule set's "
        "reading)",
    ),
    Clause("§3.1.2b", "not piled up or concentrated (tests: the rule set's reading)"),
    Clause("§3.1.2c", "one town per neighbouring area, in principle (distance: a reading)"),
    Clause(
        "§3.1.2d",
        "functions integrated; no 小镇园区化 (town becoming an industrial park)",
        "review",
        "the layout data (outlines, category, level) cannot show a town's functions: review "
        "the town plan for living, service and ecological land besides industry (三生融合) "
        "and public functions (四位一体); record a finding or waiver by hand if needed",
    ),
    Clause("§3.1.3", "manufacturing ≥ 60%, leisure tourism ≤ 20%, other services ≤ 20%"),
    Clause("§3.2.1", "S&T investment ≥ 8% of FAI"),
    Clause("§3.2.2", "≥ 15 innovation bases; guidance stations in every town (力争)"),
    Clause("§3.2.3", "2 provincial high-tech towns (力争)"),
    Clause(
        "§3.3.1",
        "the four-batches project library, managed dynamically",
        "report",
        "`progress`: pipeline table by stage (谋划储备 → 竣工投运), stalled projects",
    ),
    Clause("§3.3.2", "≥ 800 new industrial projects (力争)"),
    Clause("§3.3.3", "first library: 209 key projects, 1030 亿元 total investment"),
    Clause(
        "§3.4.1",
        "plan as 四位一体 and 三生融合; 一镇一品",
        "review",
        "a quality of each town's plan, not of the layout data: review the plan",
    ),
    Clause("§3.4.2", "culture revenue +20% a year on average (年均, 力争)"),
    Clause("§3.4.3", "every town 3A; tourism towns 4A"),
    Clause("§3.5.1", "a company-form (公司化) investing entity for every town"),
    Clause(
        "§3.5.2–3",
        "PPP joint-stock companies; industry funds",
        "out of scope",
        "financing mechanisms, encouraged, not required; no data in the project",
    ),
    Clause(
        "§4.1",
        "counties/districts are the responsible bodies",
        "out of scope",
        "organisation; the counties are the units of the caps, bulletin and veto",
    ),
    Clause(
        "§4.2a",
        "quarterly meetings and bulletin of the provincial towns' main indicators",
        "report",
        "`progress`: county bulletin score and rank each quarter",
        ("bulletin_scope",),
    ),
    Clause(
        "§4.2b",
        "a lead municipal department for each town",
        "review",
        "the towns layer's `lead_department` field records it; not judged",
    ),
    Clause(
        "§4.3a",
        "quantitative assessment of the counties",
        "out of scope",
        "its criteria (organisation, policy, satisfaction) are not in the project's data",
    ),
    Clause(
        "§4.3b",
        "one-vote veto for a county with a town warned, downgraded or eliminated",
        "report",
        "`progress`: the assessment table lists the vetoed counties each year",
        ("veto_unit",),
    ),
    Clause(
        "§4.3c",
        "the towns rate the municipal departments",
        "out of scope",
        "an evaluation of departments, no data in the project",
    ),
    Clause(
        "§4.3d",
        "counties evaluate their own towns before the provincial assessment",
        "out of scope",
        "a county procedure (`check` and `progress` can serve it)",
    ),
)


def clause(cid: str) -> Clause:
    for c in CLAUSES:
        if c.id == cid:
            return c
    raise KeyError(cid)
