/* Layout page: the layout map drawn from the map model (the one `map layout` and
   `export layout` draw: GET /api/map/layout), with the numbered findings beside it,
   filtered by rule, unit and severity; a click on a finding zooms to it. */
"use strict";

(async () => {
  const { S, T, el, api, label, unitName, ruleTitle } = TG;
  const $ = (id) => document.getElementById(id);
  const model = await api("/api/map/layout");
  const map = L.map("map", { zoomSnap: 0.25 });
  TG.map = map;
  L.control.scale({ imperial: false }).addTo(map);
  const [w, s, e, n] = model.extent_wgs84;
  map.fitBounds([[s, w], [n, e]], { padding: [10, 10] });

  const esc = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  function pathStyle(st) {
    return {
      stroke: !!st.stroke,
      color: st.stroke || "#555555",
      weight: st.weight ?? 1,
      dashArray: st.dash || null,
      fill: !!st.fill,
      fillColor: st.fill || null,
      fillOpacity: st.fill ? st.fill_opacity ?? 0 : 0,
      className: st.css || "",
    };
  }

  function popupNode(p) {
    const table = el("table", { class: "popup" });
    for (const [k, v] of p.rows) table.append(el("tr", {}, el("th", {}, k), el("td", {}, v)));
    return el("div", {}, el("strong", {}, p.title), table);
  }

  const byRef = {}; // layer id -> ref -> Leaflet layers
  const overlays = {};
  const townLabels = L.layerGroup(); // shown when zoomed in; tgDeclutter keeps all labels apart
  const LABEL_ZOOM = 11;
  for (const ly of model.layers) {
    const index = (byRef[ly.id] = {});
    const group = L.geoJSON(ly.geojson, {
      interactive: ly.interactive,
      style: (f) => ({ ...pathStyle(f.properties.style), interactive: ly.interactive }),
      pointToLayer: (f, ll) =>
        L.circleMarker(ll, { radius: f.properties.style.radius || 5, interactive: ly.interactive }),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        if (p.ref !== null && p.ref !== undefined) (index[p.ref] ||= []).push(layer);
        if (!ly.interactive) return;
        if (p.tip) layer.bindTooltip(el("span", {}, p.tip), { sticky: true });
        if (p.popup) layer.bindPopup(popupNode(p.popup));
      },
    });
    for (const f of ly.geojson.features) {
      const p = f.properties;
      if (!p.label || !["unit", "town", "neighbour", "water"].includes(ly.label_kind)) continue;
      const at = L.geoJSON(f).getBounds().getCenter();
      const tip = L.tooltip({ permanent: true, direction: "center", className: `tg-label tg-${ly.label_kind}-label` })
        .setLatLng(at)
        .setContent(el("span", {}, p.label));
      (ly.label_kind === "town" ? townLabels : group).addLayer(tip);
    }
    if (ly.show) group.addTo(map);
    overlays[esc(ly.title)] = group;
  }
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  const toggleLabels = () => {
    if (map.getZoom() >= LABEL_ZOOM) townLabels.addTo(map);
    else townLabels.remove();
  };
  map.on("zoomend", toggleLabels);
  toggleLabels();
  tgDeclutter(map);

  const items = model.findings;
  const uniq = (xs) => [...new Set(xs)];
  const fill = (sel, values, text) => {
    for (const v of values) sel.append(el("option", { value: v }, text(v)));
  };
  fill($("f-rule"), uniq(items.map((f) => f.rule)), (r) => `${(S.rules[r] || {}).clause || ""} ${ruleTitle(r)}`);
  const CITY = "_city"; // filter value of the findings that concern no one unit
  const unitsOf = (f) => (f.units.length ? f.units : [CITY]);
  fill($("f-unit"), uniq(items.flatMap(unitsOf)), (u) => (u === CITY ? T.city_wide : unitName(u)));
  fill($("f-severity"), uniq(items.map((f) => f.severity)), (v) => label("severity", v));
  const highlight = L.featureGroup().addTo(map);

  function targets(f) {
    if (f.placement === "town") return (byRef.towns || {})[f.ref] || [];
    return (byRef.findings || {})[String(f.number)] || [];
  }

  function zoomTo(f, li) {
    document.querySelectorAll(".findings li.on").forEach((x) => x.classList.remove("on"));
    li.classList.add("on");
    highlight.clearLayers();
    const found = targets(f);
    if (!found.length) {
      map.fitBounds([[s, w], [n, e]], { padding: [10, 10] });
      return;
    }
    const bounds = L.featureGroup(found).getBounds();
    L.rectangle(bounds.pad(0.3), { color: "#000000", weight: 2, fill: false, dashArray: "4 3", interactive: false }).addTo(highlight);
    map.fitBounds(bounds.pad(0.5), { maxZoom: 12 });
    if (found[0].getPopup && found[0].getPopup()) found[0].openPopup();
  }

  function render() {
    const rule = $("f-rule").value;
    const unit = $("f-unit").value;
    const sev = $("f-severity").value;
    const list = $("findings");
    list.replaceChildren();
    let shown = 0;
    for (const f of items) {
      if (rule && f.rule !== rule) continue;
      if (unit && !unitsOf(f).includes(unit)) continue;
      if (sev && f.severity !== sev) continue;
      shown += 1;
      const li = el(
        "li",
        { class: `finding sev-${f.severity}${f.state === "waived" ? " waived" : ""}`, "data-number": f.number, tabindex: 0 },
        el("span", { class: "num" }, `${f.number}.`),
        " ",
        el("span", { class: "sev" }, f.state_label),
        " ",
        f.text,
        el("div", { class: "notice" }, `${ruleTitle(f.rule)} · ${f.units.length ? f.units.map(unitName).join("、") : T.city_wide}`),
      );
      li.addEventListener("click", () => zoomTo(f, li));
      list.append(li);
    }
    if (!shown) list.append(el("li", { class: "none" }, T.no_findings));
    $("summary").textContent = `${shown} / ${items.length}`;
  }
  for (const id of ["f-rule", "f-unit", "f-severity"]) $(id).addEventListener("change", render);
  render();
  if (model.warning) $("summary").after(el("p", { class: "warning" }, model.warning));
  document.body.dataset.ready = "1";
})();
