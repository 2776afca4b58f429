"""Progress tracking: the "four batches" pipeline (§3.3.1), quarterly indicators and the
§2/§3 targets to 2020, the quarterly county bulletin (§4.2a) and the assessment veto (§4.3b).

Pure functions over data frames: nothing here reads files or renders. Money is in 亿元
(100 million yuan), tourist visits in 万人次 (10 000 visits), shares in percent. No geometry
is measured here, so no CRS is involved.

Quarters are strings ``"2019Q2"`` at the edges and integers (``year*4 + q-1``) inside.

How investment is spread over quarters (the rule that ties the indicators table to the
projects layer): a project's ``invested_to_date`` (as of the *as-of quarter*, the latest
quarter in any stage history) is spent in equal parts over its *investing quarters*: from
the first quarter it is under construction (or operating) up to the quarter before it
starts operating; a project that is still building invests up to the as-of quarter; one
that jumps straight to operation invests in that quarter. Its specialty-industry, S&T and
non-government parts keep the project's ratios (``specialty_industry / invested_to_date``,
``tech_investment / invested_to_date``, ``1 - government_share``). The quarterly FAI of a town
is the sum over its projects of the change of this cumulative figure.

Modules (every public name is re-exported here):

- ``quarters``: ``"2019Q2"`` ↔ integer quarter index.
- ``columns``: indicator-table columns and the three investment-structure shares.
- ``stages``: stage histories, stage at a quarter, stalled projects, pipeline counts.
- ``history_checks``: findings for stage histories out of order (§3.3.1).
- ``investment``: investment implied by the stage histories (the rule above).
- ``summaries``: per-town, per-unit and city tables (progress, shares, culture growth).
- ``bulletin``: the quarterly county bulletin score (§4.2a).
- ``assessment``: grades, pass/excellent rates and the county veto (§2.2, §4.3b).
- ``metrics``: the city metrics the targets name.
- ``targets``: target checks, projection to the deadline and the scorecard.
- ``consistency``: indicators vs. projects layer (§4.2a).
- ``report``: ``ProgressReport`` and ``build_report``.
"""

from __future__ import annotations

from townsgis.progress.assessment import (
    FAIL_GRADES,
    GRADE_ALIASES,
    GRADES,
    PASS_GRADES,
    assessment_summary,
    assessment_visible,
)
from townsgis.progress.bulletin import bulletin_score
from townsgis.progress.columns import (
    DEFAULT_SHARE_TARGETS,
    FLOW_COLUMNS,
    SHARE_METRICS,
    STOCK_COLUMNS,
)
from townsgis.progress.consistency import consistency_findings
from townsgis.progress.history_checks import history_findings
from townsgis.progress.investment import (
    as_of_quarter,
    implied_indicators,
    investing_window,
    investment_paths,
)
from townsgis.progress.metrics import METRICS, SCENIC_RANK, Context, Metric
from townsgis.progress.quarters import format_quarter, parse_quarter, quarter_index
from townsgis.progress.report import ProgressReport, build_report
from townsgis.progress.stages import (
    DEFAULT_STALL_QUARTERS,
    IMPLEMENTED,
    STAGE_ZH,
    STAGES,
    parse_history,
    pipeline,
    stage_at,
    stage_ranks,
    stage_table,
    stalled,
)
from townsgis.progress.summaries import culture_growth, shares, town_progress, unit_summary
from townsgis.progress.targets import (
    PACE_WINDOW,
    check_targets,
    project_value,
    scorecard,
    share_done,
)

__all__ = [
    "DEFAULT_SHARE_TARGETS",
    "DEFAULT_STALL_QUARTERS",
    "FAIL_GRADES",
    "FLOW_COLUMNS",
    "GRADES",
    "GRADE_ALIASES",
    "IMPLEMENTED",
    "METRICS",
    "PACE_WINDOW",
    "PASS_GRADES",
    "SCENIC_RANK",
    "SHARE_METRICS",
    "STAGES",
    "STAGE_ZH",
    "STOCK_COLUMNS",
    "Context",
    "Metric",
    "ProgressReport",
    "as_of_quarter",
    "assessment_summary",
    "assessment_visible",
    "build_report",
    "bulletin_score",
    "check_targets",
    "consistency_findings",
    "culture_growth",
    "format_quarter",
    "history_findings",
    "implied_indicators",
    "investing_window",
    "investment_paths",
    "parse_history",
    "parse_quarter",
    "pipeline",
    "project_value",
    "quarter_index",
    "scorecard",
    "share_done",
    "shares",
    "stage_at",
    "stage_ranks",
    "stage_table",
    "stalled",
    "town_progress",
    "unit_summary",
]
