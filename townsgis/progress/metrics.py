"""The city metrics the §2/§3 targets name: a series over quarters (or a numerator/
denominator pair for ratios) computed from towns, projects, indicators and assessment.
Money in 亿元, visits in 万人次, shares in percent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from townsgis.progress.assessment import PASS_GRADES, assessment_visible
from townsgis.progress.columns import STOCK_COLUMNS
from townsgis.progress.stages import stage_ranks

SCENIC_RANK = {"none": 0, "A": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5}


@dataclass
class Context:
    """Everything the metrics read: towns (DataFrame), projects, their parsed history,
    indicators (quarter as int) and assessment, plus the quarters covered."""

    towns: pd.DataFrame
    projects: pd.DataFrame
    hist: pd.DataFrame
    indicators: pd.DataFrame
    assessment: pd.DataFrame
    quarters: list[int]
    _cache: dict = field(default_factory=dict, repr=False)

    def city_flow(self, col: str) -> pd.Series:
        """City total of a flow column per quarter (0 for quarters without rows)."""
        return self.indicators.groupby("quarter")[col].sum().reindex(self.quarters).fillna(0.0)

    def city_stock(self, col: str) -> pd.Series:
        """City total of a stock column per quarter: each town's latest value carried forward."""
        if "_stocks" not in self._cache:  # (quarter, town) is unique: checked on load
            self._cache["_stocks"] = (
                self.indicators.set_index(["quarter", "town_id"])[list(STOCK_COLUMNS)]
                .astype(float)
                .unstack("town_id")
            )
        wide = self._cache["_stocks"][col]
        return wide.reindex(self.quarters).ffill().fillna(0.0).sum(axis=1).astype(float)


@dataclass(frozen=True)
class Metric:
    """A target metric: a city series over quarters, or a (numerator, denominator) pair for
    ratios. ``projection`` is ``linear`` (current pace), ``ratio`` (projected parts) or
    ``hold`` (the current value)."""

    name: str
    unit: str
    label_zh: str
    label_en: str
    compute: Callable[[Context], Any]
    projection: str = "linear"
    percent: bool = False
    by_year: Callable[[Context], pd.Series] | None = None

    def yearly(self, ctx: Context) -> pd.Series:
        """The metric's figure for each calendar year (index: year; NaN where unknown):
        ``by_year`` when given, else the series at each year's fourth quarter for years whose
        four quarters all lie in ``ctx.quarters`` (a ratio metric: its cumulative ratio at
        the year's end). Used by the §2.2/§3.4.2 "every year" targets (``per_year = true``)."""
        if self.by_year is not None:
            return self.by_year(ctx)
        s = ctx._cache.get(self.name)
        if s is None:
            s = ctx._cache[self.name] = self.compute(ctx)
        if isinstance(s, tuple):
            num, den = s
            s = 100 * num / den.where(den > 0)
        years = sorted({q // 4 for q in ctx.quarters if q // 4 * 4 >= ctx.quarters[0]})
        vals = [s.get(y * 4 + 3, np.nan) for y in years]
        return pd.Series(vals, index=years, dtype=float)


def _annual(s: pd.Series) -> pd.Series:
    """Sum of the last four quarters, annualised (×4/k) while fewer than k < 4 exist."""
    k = pd.Series(np.minimum(np.arange(1, len(s) + 1), 4), index=s.index)
    return s.rolling(4, min_periods=1).sum() * 4 / k


def _named(ctx: Context) -> pd.Series:
    a = ctx.assessment[ctx.assessment["named"]]
    return pd.Series(
        [float(assessment_visible(a, q)["town_id"].nunique()) for q in ctx.quarters],
        index=ctx.quarters,
    )


def _high_tech(ctx: Context) -> pd.Series:
    a = ctx.assessment[ctx.assessment["high_tech"]]
    return pd.Series(
        [float(assessment_visible(a, q)["town_id"].nunique()) for q in ctx.quarters],
        index=ctx.quarters,
    )


def _rate(grades: tuple[str, ...]) -> Callable[[Context], pd.Series]:
    def f(ctx: Context) -> pd.Series:
        vals = []
        for q in ctx.quarters:
            vis = assessment_visible(ctx.assessment, q)
            if vis.empty:
                vals.append(np.nan)
                continue
            last = vis[vis["year"] == vis["year"].max()]
            vals.append(100 * last["grade"].isin(grades).mean())
        return pd.Series(vals, index=ctx.quarters, dtype=float)

    return f


def _rate_by_year(grades: tuple[str, ...]) -> Callable[[Context], pd.Series]:
    """Share (%) of the towns assessed in each year whose grade is in ``grades``."""

    def f(ctx: Context) -> pd.Series:
        a = ctx.assessment
        if a.empty:
            return pd.Series(dtype=float)
        return (100 * a["grade"].isin(grades).groupby(a["year"].astype(int)).mean()).astype(float)

    return f


def _implemented(ctx: Context) -> pd.Series:
    ranks = stage_ranks(ctx.projects, ctx.quarters, ctx.hist)
    return pd.Series((ranks >= 2).sum(axis=0).astype(float), index=ctx.quarters)


def _first_batch(ctx: Context) -> pd.DataFrame:
    """The projects of the first (首期) four-batches library (§3.3.3): those with
    ``first_batch`` true, or the whole library when the layer has no ``first_batch`` values."""
    p = ctx.projects
    if "first_batch" not in p.columns or p["first_batch"].isna().all():
        return p
    return p[p["first_batch"].fillna(False).astype(bool)]


def _first_batch_count(ctx: Context) -> pd.Series:
    return pd.Series(float(len(_first_batch(ctx))), index=ctx.quarters)


def _first_batch_investment(ctx: Context) -> pd.Series:
    total = float(_first_batch(ctx)["total_investment"].astype(float).sum())
    return pd.Series(total, index=ctx.quarters)


def _share(col: str) -> Callable[[Context], tuple[pd.Series, pd.Series]]:
    return lambda ctx: (ctx.city_flow(col).cumsum(), ctx.city_flow("fai").cumsum())


def _guidance(ctx: Context) -> pd.Series:
    n = len(ctx.towns)
    return 100 * ctx.city_stock("guidance_station") / max(n, 1)


def _scenic(min_rank: int, category: str | None) -> Callable[[Context], pd.Series]:
    def f(ctx: Context) -> pd.Series:
        t = ctx.towns if category is None else ctx.towns[ctx.towns["category"] == category]
        ok = t["scenic_grade"].astype(str).map(SCENIC_RANK).fillna(0) >= min_rank
        v = 100 * ok.mean() if len(t) else np.nan
        return pd.Series(v, index=ctx.quarters, dtype=float)

    return f


def _culture_growth(ctx: Context) -> pd.Series:
    s = ctx.city_flow("culture_revenue")
    cur = s.rolling(4).sum()
    prev = cur.shift(4)
    return 100 * (cur / prev.where(prev > 0) - 1)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "named_towns", "个", "通过省级验收命名的小镇", "towns named by the province", _named
        ),
        Metric(
            "assessment_pass_rate",
            "%",
            "年度考核合格率",
            "assessment pass rate",
            _rate(PASS_GRADES),
            "hold",
            True,
            _rate_by_year(PASS_GRADES),
        ),
        Metric(
            "assessment_excellent_rate",
            "%",
            "年度考核优秀率",
            "assessment excellent rate",
            _rate(("优秀",)),
            "hold",
            True,
            _rate_by_year(("优秀",)),
        ),
        Metric(
            "implemented_projects",
            "个",
            "累计实施重点项目",
            "key projects implemented",
            _implemented,
        ),
        Metric(
            "first_batch_projects",
            "个",
            "首期“四个一批”项目库重点项目",
            "key projects of the first four-batches library",
            _first_batch_count,
            "hold",
        ),
        Metric(
            "first_batch_investment",
            "亿元",
            "首期重点项目总投资",
            "total investment of the first library's key projects",
            _first_batch_investment,
            "hold",
        ),
        Metric(
            "fai_cumulative",
            "亿元",
            "累计固定资产投资",
            "cumulative fixed-asset investment",
            lambda c: c.city_flow("fai").cumsum(),
        ),
        Metric(
            "specialty_share",
            "%",
            "特色产业投资占比",
            "specialty-industry share of FAI",
            _share("specialty_investment"),
            "ratio",
            True,
        ),
        Metric(
            "nongov_share",
            "%",
            "非政府投资占比",
            "non-government share of FAI",
            _share("nongov_investment"),
            "ratio",
            True,
        ),
        Metric(
            "tech_share",
            "%",
            "科技投入占固定资产投资比重",
            "S&T share of FAI",
            _share("tech_investment"),
            "ratio",
            True,
        ),
        Metric(
            "teams",
            "个",
            "高端创业创新团队",
            "high-end innovation teams",
            lambda c: c.city_stock("teams"),
        ),
        Metric(
            "talents", "人", "引进各类人才", "talents attracted", lambda c: c.city_stock("talents")
        ),
        Metric(
            "thousand_talents",
            "人",
            "国家、省“千人计划”专家",
            "Thousand Talents experts",
            lambda c: c.city_stock("thousand_talents"),
        ),
        Metric(
            "national_rd_centres",
            "家",
            "新增国家级科学研发（技术）中心",
            "new national R&D centres",
            lambda c: c.city_stock("national_rd_centres"),
        ),
        Metric(
            "tax_annual",
            "亿元",
            "小镇税收（年）",
            "tax revenue (a year)",
            lambda c: _annual(c.city_flow("tax")),
        ),
        Metric(
            "main_business_revenue_annual",
            "亿元",
            "规上企业主营业务收入（年）",
            "main-business revenue above size (a year)",
            lambda c: _annual(c.city_flow("main_business_revenue")),
        ),
        Metric(
            "services_revenue_annual",
            "亿元",
            "限额以上服务业收入（年）",
            "services revenue above quota (a year)",
            lambda c: _annual(c.city_flow("services_revenue")),
        ),
        Metric(
            "tourist_visits_annual",
            "万人次",
            "年接待旅游人数",
            "tourist visits a year",
            lambda c: _annual(c.city_flow("tourist_visits")),
        ),
        Metric(
            "innovation_bases",
            "个",
            "创业创新基地",
            "entrepreneurship/innovation bases",
            lambda c: c.city_stock("innovation_bases"),
        ),
        Metric(
            "guidance_station_coverage",
            "%",
            "创业就业指导站覆盖率",
            "towns with a guidance station",
            _guidance,
            "linear",
            True,
        ),
        Metric(
            "high_tech_towns",
            "个",
            "省级高新技术特色小镇",
            "provincial high-tech towns",
            _high_tech,
        ),
        Metric(
            "new_industrial_projects",
            "个",
            "新引进产业项目",
            "new industrial projects",
            lambda c: c.city_flow("new_industrial_projects").cumsum(),
        ),
        Metric(
            "culture_revenue_growth",
            "%",
            "文化产业营业收入年增长",
            "culture revenue growth a year",
            _culture_growth,
            "hold",
            True,
        ),
        Metric(
            "towns_3a_pct",
            "%",
            "建成3A级景区的小镇占比",
            "towns that are 3A scenic areas",
            _scenic(3, None),
            "hold",
            True,
        ),
        Metric(
            "tourism_towns_4a_pct",
            "%",
            "建成4A级景区的旅游类小镇占比",
            "tourism towns that are 4A scenic areas",
            _scenic(4, "tourism"),
            "hold",
            True,
        ),
    ]
}
