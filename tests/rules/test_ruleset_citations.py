"""The bundled rule set cites what ships with the repo: clause ids of docs/notice-digest.md,
rule ids that exist, no paths outside the repository."""

import re

from townsgis.project import Project, bundled_root
from townsgis.ruleset import load_ruleset

ROOT = bundled_root()
PATH = Project.open(None).ruleset_path("huzhou-2018")


def _clause_ids() -> set[str]:
    text = (ROOT / "docs" / "notice-digest.md").read_text(encoding="utf-8")
    return set(re.findall(r"§\d+(?:\.\d+)*[a-z]?", text))


def test_notice_digest_and_full_text_ship_with_the_repo():
    assert "§3.1.1c" in _clause_ids()
    assert "特色小镇" in (ROOT / "docs" / "notice-zh.txt").read_text(encoding="utf-8")


def test_every_cited_clause_is_in_the_digest():
    rs = load_ruleset(PATH)
    cited = {r.clause for r in rs.rules} | {t["clause"] for t in rs.targets}
    assert cited and cited <= _clause_ids()


def test_comments_name_existing_rules_and_no_outside_paths():
    rs = load_ruleset(PATH)
    comments = [ln for ln in PATH.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    text = "\n".join(comments)
    assert "/work/" not in text and "docs/notice-digest.md" in text
    named = set(re.findall(r"\bHZ-[A-Z][A-Z0-9-]*[A-Z0-9]\b", text))
    assert named <= {r.id for r in rs.rules}
