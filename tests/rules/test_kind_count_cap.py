"""count-cap (§3.1.1a/b): reaching the cap passes, one more fails; level filter."""

from rules_fixtures import town


def _towns(n, level="provincial_creation"):
    return [town(f"T{i:02d}", i * 3000, 0, level=level) for i in range(n)]


def test_exactly_at_cap_passes(run_kind):
    assert run_kind(_towns(20), "count-cap", max=20) == []


def test_one_over_cap_fails_with_numbers(run_kind):
    (f,) = run_kind(_towns(21), "count-cap", max=20)
    assert (f.measured, f.limit, f.rule, str(f.severity)) == (21, 20, "R-1", "error")
    assert len(f.towns) == 21
    assert "21" in f.message_en and "20" in f.message_en


def test_level_filter_counts_only_listed_levels(run_kind):
    rows = _towns(15) + [town(f"M{i}", i * 3000, 9000, level="municipal") for i in range(5)]
    levels = ["provincial_creation", "provincial_cultivation"]
    assert run_kind(rows, "count-cap", max=15, levels=levels) == []
    rows.append(town("X", 0, 20000, level="provincial_cultivation"))
    (f,) = run_kind(rows, "count-cap", max=15, levels=levels)
    assert f.measured == 16
    assert all(t["id"] != "M0" for t in f.towns)
