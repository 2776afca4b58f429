"""category-share (§3.1.3): shares over a level filter; bounds pass; message shows arithmetic."""

from rules_fixtures import town


def _mix(n_mfg, n_other, other="tourism", level="provincial_creation"):
    rows = [town(f"M{i}", i * 3000, 0, category="manufacturing", level=level) for i in range(n_mfg)]
    rows += [town(f"O{i}", i * 3000, 5000, category=other, level=level) for i in range(n_other)]
    return rows


def test_min_share_exactly_at_bound_passes(run_kind):
    assert run_kind(_mix(6, 4), "category-share", category="manufacturing", min_share=0.6) == []


def test_min_share_below_bound_fails_with_arithmetic(run_kind):
    (f,) = run_kind(_mix(5, 5), "category-share", category="manufacturing", min_share=0.6)
    assert f.message_en == "share of manufacturing towns 5/10 = 50.0% < 60%"
    assert "5/10 = 50.0% < 60%" in f.message_zh
    assert f.extra["count"] == 5 and f.extra["total"] == 10


def test_max_share_at_and_over_bound(run_kind):
    assert run_kind(_mix(8, 2), "category-share", category="tourism", max_share=0.2) == []
    (f,) = run_kind(_mix(7, 3), "category-share", category="tourism", max_share=0.2)
    assert f.message_en == "share of leisure tourism towns 3/10 = 30.0% > 20%"


def test_levels_filter_changes_denominator(run_kind):
    rows = _mix(6, 4) + [town("X", 0, 20000, category="tourism", level="municipal")]
    assert len(run_kind(rows, "category-share", category="manufacturing", min_share=0.6)) == 1
    levels = ["provincial_creation"]
    assert (
        run_kind(rows, "category-share", category="manufacturing", min_share=0.6, levels=levels)
        == []
    )


def test_fourteen_towns_six_manufacturing(run_kind):
    (f,) = run_kind(_mix(6, 8), "category-share", category="manufacturing", min_share=0.6)
    assert f.message_en == "share of manufacturing towns 6/14 = 42.9% < 60%"
