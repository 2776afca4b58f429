/* Layout page: the layout map with the findings list beside it (filter by rule, unit and
   severity; click a finding to zoom to it). Findings come from the server's check. */
"use strict";

(async () => {
  const { S, T, el, api, label, unitName, ruleTitle } = TG;
  const $ = (id) => document.getElementById(id);
  const { map } = await TG.baseMap("map");
  const doc = await api("/api/check", { params: { format: "geojson" } });
  const features = doc.features;
  const highlight = L.featureGroup().addTo(map);

  function fill(sel, values, text) {
    for (const v of values) sel.append(el("option", { value: v }, text(v)));
  }
  const uniq = (xs) => [...new Set(xs)];
  fill($("f-rule"), uniq(features.map((f) => f.properties.rule)), (r) => `${(S.rules[r] || {}).clause || ""} ${ruleTitle(r)}`);
  fill($("f-unit"), uniq(features.map((f) => f.properties.unit ?? "")), (u) => unitName(u === "" ? null : u));
  fill($("f-severity"), uniq(features.map((f) => f.properties.severity)), (s) => label("severity", s));

  const findingsLayer = L.geoJSON(doc, {
    filter: (f) => f.geometry && f.geometry.type !== "GeometryCollection",
    style: (f) => ({
      color: f.properties.waived ? "#7f7f7f" : f.properties.severity === "error" ? "#d7191c" : "#fdae61",
      weight: 2,
      fill: false,
      interactive: false,
    }),
    interactive: false,
  }).addTo(map);
  findingsLayer.bringToBack();

  function render() {
    const rule = $("f-rule").value;
    const unit = $("f-unit").value;
    const sev = $("f-severity").value;
    const list = $("findings");
    list.replaceChildren();
    let n = 0;
    features.forEach((f, i) => {
      const p = f.properties;
      if (rule && p.rule !== rule) return;
      if (unit && String(p.unit ?? "") !== unit) return;
      if (sev && p.severity !== sev) return;
      n += 1;
      const li = el(
        "li",
        { class: `finding sev-${p.severity}${p.waived ? " waived" : ""}`, "data-index": i, tabindex: 0 },
        el("span", { class: "sev" }, p.waived ? label("finding_state", "waived") : label("severity", p.severity)),
        " ",
        el("strong", {}, p.clause),
        " ",
        p.message,
        el("div", { class: "notice" }, `${ruleTitle(p.rule)} · ${p.town_names || unitName(p.unit)}`),
      );
      li.addEventListener("click", () => zoomTo(f, li));
      list.append(li);
    });
    if (!n) list.append(el("li", { class: "none" }, T.no_findings));
    $("summary").textContent = `${n} / ${features.length}`;
  }

  function zoomTo(f, li) {
    document.querySelectorAll(".findings li.on").forEach((x) => x.classList.remove("on"));
    li.classList.add("on");
    highlight.clearLayers();
    if (!f.geometry) return;
    const layer = L.geoJSON(f, { style: { color: "#000000", weight: 3, fill: false }, interactive: false });
    highlight.addLayer(layer);
    map.fitBounds(layer.getBounds(), { maxZoom: 13, padding: [30, 30] });
  }

  for (const id of ["f-rule", "f-unit", "f-severity"]) $(id).addEventListener("change", render);
  render();
  document.body.dataset.ready = "1";
})();
