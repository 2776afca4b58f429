"""A project's own rule set, written by ``townsgis init`` from the bundled Huzhou rule set.

The template is ``rules/huzhou-2018.toml`` itself (one source of truth): the same rule kinds,
parameters, clauses and targets. What changes for another city is only what names Huzhou:

- ``[ruleset]``: ``id``, titles (saying which notice the rules come from) and
  ``analysis_crs`` (the city's CGCS2000 3° zone);
- the zone cap HZ-CAP-ZONE: its title names no zone, because it selects units by kind
  (``unit_kinds = ["functional_zone"]``) and so applies to whatever functional zones the
  project has (added with ``townsgis import units FILE --mode append``);
- any parameter naming units (``units``, ``overrides``) is dropped for units the project
  lacks, and the result is checked: ``template_ruleset`` raises if a unit the project lacks
  is still named.
"""

from __future__ import annotations

import re

from townsgis.errors import RulesetError
from townsgis.messages import register

register(
    {
        "template.units": (
            "模板规则集仍引用本项目没有的县区：{units}",
            "the template rule set still names units this project lacks: {units}",
        ),
        "template.no_key": (
            "模板规则集 {id}：没有可设置的 {key}",
            "template rule set {id}: no {key} to set",
        ),
    }
)


TEMPLATE_ID = "huzhou-2018"
_ZONE_TITLES = {
    "title_zh": "各功能区省级小镇各不超过2个（湖州市通知§3.1.1c的功能区上限）",
    "title_en": "Each functional zone at most 2 provincial towns (Huzhou notice §3.1.1c)",
}


def template_text() -> str:
    """The text of the bundled template rule set."""
    from townsgis.project import bundled_root

    return (bundled_root() / "rules" / f"{TEMPLATE_ID}.toml").read_text(encoding="utf-8")


def template_ruleset(
    ruleset_id: str,
    city_zh: str,
    city_en: str,
    analysis_crs: str | None,
    unit_ids: set[str],
) -> str:
    """The TOML text of the project's rule set ``ruleset_id`` (see the module docstring)."""
    from townsgis.ruleset import parse_ruleset

    text = template_text()
    head, sep, rest = text.partition("\n[[rule]]")
    head = _set(head, "id", ruleset_id)
    head = _set(head, "title_zh", f"{city_zh}特色小镇布局与建设规则（以湖州市2018年通知为模板）")
    head = _set(
        head,
        "title_en",
        f"{city_en}: characteristic towns layout and building rules "
        "(template: Huzhou's 2018 notice)",
    )
    head = re.sub(r"(?m)^# Distances and areas are computed in .*\n", "", head)
    if analysis_crs:
        head = _set(head, "analysis_crs", analysis_crs)
        head = head.replace(
            "\nanalysis_crs = ",
            "\n# Distances and areas: the CGCS2000 3° Gauss-Krüger zone of the city (metres).\n"
            "analysis_crs = ",
            1,
        )
    else:
        head = re.sub(r"(?m)^analysis_crs = .*\n", "", head)
    note = (
        f"# Written by `townsgis init` for {city_zh} from the bundled rule set {TEMPLATE_ID}:\n"
        "# the same rules, clauses and targets (the figures are Huzhou's; edit them to your own\n"
        "# notice). Zone caps apply to the project's functional zones by unit kind.\n"
    )
    blocks = (sep + rest).split("\n[[rule]]")
    out = []
    for block in blocks[1:]:
        if re.search(r'(?m)^id = "HZ-CAP-ZONE"$', block):
            for key, value in _ZONE_TITLES.items():
                block = _set(block, key, value)
        block = _drop_unknown_units(block, unit_ids)
        out.append(block)
    result = note + head + "".join("\n[[rule]]" + b for b in out)
    rs = parse_ruleset(result, source=f"rules/{ruleset_id}.toml")
    named = _named_units(rs)
    missing = sorted(named - unit_ids)
    if missing:
        raise RulesetError.of("template.units", units=", ".join(missing))
    return result


def _set(text: str, key: str, value: str) -> str:
    pattern = re.compile(rf'(?m)^{key} = ".*"$')
    if not pattern.search(text):
        raise RulesetError.of("template.no_key", id=TEMPLATE_ID, key=key)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return pattern.sub(lambda _m: f'{key} = "{escaped}"', text, count=1)


def _drop_unknown_units(block: str, unit_ids: set[str]) -> str:
    """Remove ``overrides = {…}`` / ``units = […]`` entries for units not in ``unit_ids``;
    a line left empty is dropped."""

    def overrides(m: re.Match) -> str:
        pairs = re.findall(r'"([^"]+)"\s*=\s*(\d+)', m.group(1))
        kept = [f'"{u}" = {n}' for u, n in pairs if u in unit_ids]
        return f"overrides = {{ {', '.join(kept)} }}\n" if kept else ""

    def units(m: re.Match) -> str:
        kept = [u for u in re.findall(r'"([^"]+)"', m.group(1)) if u in unit_ids]
        return f"units = [{', '.join(f'{chr(34)}{u}{chr(34)}' for u in kept)}]\n" if kept else ""

    block = re.sub(r"(?m)^overrides = \{(.*)\}\n?", overrides, block)
    return re.sub(r"(?m)^units = \[(.*)\]\n?", units, block)


def _named_units(rs) -> set[str]:
    named: set[str] = set()
    for r in rs.rules:
        named |= set(r.params.get("units") or [])
        named |= set((r.params.get("overrides") or {}).keys())
    return named
