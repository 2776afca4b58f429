/* Progress page: the scorecard and the county ranking of `townsgis progress`; the map
   beside them is `townsgis map progress` (quarter slider) in a frame. */
"use strict";

(async () => {
  const { S, T, el, api, label, unitName } = TG;
  let doc;
  try {
    doc = await api("/api/progress");
  } catch (e) {
    // no projects or indicators yet: say so where the tables would be
    document.querySelector("aside.panel").prepend(el("p", { class: "warning", id: "progress-error" }, e.message));
    document.body.dataset.ready = "1";
    return;
  }
  document.getElementById("quarter").textContent = doc.quarter;
  const fmt = (v) => (v === null || v === undefined ? "–" : typeof v === "number" ? v.toLocaleString(S.lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 2 }) : String(v));
  const sc = document.querySelector("#scorecard tbody");
  for (const t of doc.targets) {
    const state = t.state in (S.labels.target_state || {}) ? label("target_state", t.state) : t.met ? T.yes : T.no;
    sc.append(
      el(
        "tr",
        { class: t.met ? "met" : "missed" },
        el("td", {}, `${t.clause} ${(doc.titles || {})[t.id] || S.targets[t.id] || t.metric}`),
        el("td", {}, fmt(t.value)),
        el("td", {}, `${t.comparison} ${fmt(t.target)} (${t.deadline})`),
        el("td", {}, state),
      ),
    );
  }
  const rk = document.querySelector("#ranking tbody");
  for (const u of [...doc.units].sort((a, b) => a.rank - b.rank)) {
    rk.append(el("tr", {}, el("td", {}, fmt(u.rank)), el("td", {}, unitName(u.unit_id)), el("td", {}, fmt(u.score))));
  }
  document.body.dataset.ready = "1";
})();
