/* Site panel: click a point, draw an outline or upload a file; the server judges it
   (townsgis site) and this page shows the verdict, saves proposals and lists them. */
"use strict";

(async () => {
  const { S, T, el, api, label, unitName, ruleTitle, showError } = TG;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("error");
  const verdictBox = $("verdict");
  const saveForm = $("save-form");
  let current = null; // {geometry, area_km2} of the last single site judged
  let siteLayer = null;
  let feasibleLayer = null;

  for (const [sel, domain, dflt] of [
    [$("category"), "category", "manufacturing"],
    [$("level"), "level", "provincial_cultivation"],
  ]) {
    for (const [id, text] of Object.entries(S.labels[domain])) {
      sel.append(el("option", { value: id, selected: id === dflt }, text));
    }
  }

  const { map } = await TG.baseMap("map");
  const proposalsLayer = L.featureGroup().addTo(map);
  map.pm.setLang(S.lang === "zh" ? "zh" : "en");
  map.pm.addControls({
    position: "topleft",
    drawMarker: false,
    drawCircleMarker: false,
    drawPolyline: false,
    drawCircle: false,
    drawText: false,
    drawRectangle: true,
    drawPolygon: true,
    editMode: false,
    dragMode: false,
    cutPolygon: false,
    rotateMode: false,
    removalMode: false,
  });

  function choice() {
    return {
      category: $("category").value,
      level: $("level").value,
      area_km2: parseFloat($("area").value) || 3,
    };
  }

  function busy(on) {
    document.body.classList.toggle("busy", on);
    if (on) verdictBox.replaceChildren(el("p", { class: "loading" }, T.loading));
  }

  function pct(v) {
    return v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`;
  }

  function renderSite(site, rules) {
    const ok = site.verdict === "pass";
    const box = el("article", { class: `site ${ok ? "pass" : "fail"}`, "data-verdict": site.verdict });
    box.append(
      el(
        "h3",
        {},
        el("span", { class: "badge" }, label("verdict", site.verdict)),
        " ",
        site.name,
      ),
      el("p", { class: "where" }, `${T.site_unit}: ${unitName(site.unit_id)} · ${site.lon.toFixed(5)}, ${site.lat.toFixed(5)} (WGS84)`),
    );
    const fl = el("ul", { class: "site-findings" });
    if (!site.findings.length) fl.append(el("li", { class: "none" }, T.causes_nothing));
    for (const f of site.findings) {
      const rule = rules[f.rule] || {};
      const li = el(
        "li",
        { class: `finding sev-${f.severity}${f.waived ? " waived" : ""}`, "data-clause": f.clause },
        el("span", { class: "sev" }, label("severity", f.severity)),
        " ",
        el("strong", { class: "clause" }, f.clause),
        " ",
        el("span", { class: "msg" }, f.message),
        f.waived ? el("em", {}, ` (${label("finding_state", "waived")})`) : null,
      );
      if (rule.title) li.append(el("div", { class: "notice" }, `${T.notice_words}: ${rule.title}`));
      fl.append(li);
    }
    box.append(fl);
    const nl = el("ul", { class: "nearest" });
    for (const n of site.nearest) nl.append(el("li", {}, `${n.name_zh}: ${n.distance_km.toFixed(2)} km`));
    box.append(el("h4", {}, T.nearest), nl);
    const cl = el("ul", { class: "caps" });
    for (const c of [...site.capacity.unit, ...site.capacity.city]) {
      const scope = c.scope === "city" ? T.city_wide : unitName(c.scope);
      cl.append(el("li", {}, `${c.clause} ${scope}: ${c.used}/${c.limit} → ${c.remaining_after}`));
    }
    box.append(el("h4", {}, T.caps), cl);
    for (const m of site.mix || []) {
      const ml = el("ul", { class: "mix" });
      for (const [cat, sh] of Object.entries(m.shares)) {
        const bounds = [sh.min !== null ? `≥ ${pct(sh.min)}` : "", sh.max !== null ? `≤ ${pct(sh.max)}` : ""].join(" ").trim();
        ml.append(el("li", {}, `${label("category", cat)}: ${sh.count}/${m.total} = ${pct(sh.share)} (${bounds})`));
      }
      box.append(el("h4", {}, T.mix), ml);
    }
    return box;
  }

  function renderReport(doc) {
    errorBox.hidden = true;
    verdictBox.replaceChildren(el("h2", {}, T.verdict));
    for (const s of doc.sites) verdictBox.append(renderSite(s, doc.rules));
  }

  function drawSite(geojson) {
    if (siteLayer) siteLayer.remove();
    siteLayer = L.geoJSON(geojson, {
      style: { color: "#000000", weight: 2, dashArray: "4 3", fillOpacity: 0.1 },
    }).addTo(map);
  }

  async function judge(request, single) {
    busy(true);
    try {
      const doc = await request();
      renderReport(doc);
      saveForm.hidden = !(single && !S.project.read_only);
      if (single) {
        const s = doc.sites[0];
        $("save-name").value = $("save-name").value || s.name;
        updateDownloads(s);
      }
      return doc;
    } catch (err) {
      verdictBox.replaceChildren();
      showError(errorBox, err);
      saveForm.hidden = true;
      return null;
    } finally {
      busy(false);
    }
  }

  map.on("click", (e) => {
    if (map.pm.globalDrawModeEnabled()) return;
    const c = choice();
    const lon = e.latlng.lng;
    const lat = e.latlng.lat;
    current = { geometry: { type: "Point", coordinates: [lon, lat] }, area_km2: c.area_km2 };
    const r = Math.sqrt((c.area_km2 * 1e6) / Math.PI);
    if (siteLayer) siteLayer.remove();
    siteLayer = L.circle([lat, lon], { radius: r, color: "#000000", weight: 2, dashArray: "4 3" }).addTo(map);
    judge(() => api("/api/site", { params: { lon, lat, name: T.site_default_name, ...c } }), true);
  });

  map.on("pm:create", (e) => {
    const geometry = e.layer.toGeoJSON().geometry;
    e.layer.remove();
    drawSite(geometry);
    const c = choice();
    current = { geometry, area_km2: c.area_km2 };
    judge(() => api("/api/site", { json: { geometry, name: T.site_default_name, category: c.category, level: c.level, area_km2: c.area_km2 } }), true);
  });

  $("upload-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = $("upload").files[0];
    if (!file) return;
    const c = choice();
    const form = new FormData();
    form.append("file", file);
    form.append("crs", $("crs").value);
    form.append("default_category", c.category);
    form.append("default_level", c.level);
    form.append("default_area_km2", String(c.area_km2));
    current = null;
    judge(() => api("/api/site/upload", { form }), false).then((doc) => {
      if (!doc) return;
      if (siteLayer) siteLayer.remove();
      siteLayer = L.featureGroup(
        doc.sites.map((s) => L.circleMarker([s.lat, s.lon], { radius: 6, color: s.verdict === "pass" ? "#1a9641" : "#d7191c" })),
      ).addTo(map);
    });
  });

  saveForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const c = choice();
    const body = {
      geometry: current.geometry,
      name: $("save-name").value,
      submitter: $("save-submitter").value || null,
      note: $("save-note").value || null,
      category: c.category,
      level: c.level,
      area_km2: current.area_km2,
    };
    $("save-status").textContent = T.working;
    try {
      const res = await api("/api/proposals", { json: body });
      $("save-status").textContent = `${T.saved}: ${res.proposal.proposal_id}`;
      await loadProposals();
    } catch (err) {
      $("save-status").textContent = "";
      showError(errorBox, err);
    }
  });

  async function loadProposals() {
    const list = $("proposals");
    let doc;
    try {
      doc = await api("/api/proposals");
    } catch (err) {
      showError(errorBox, err);
      return;
    }
    list.replaceChildren();
    proposalsLayer.clearLayers();
    if (!doc.proposals.length) list.append(el("li", { class: "none" }, T.no_proposals));
    for (const p of doc.proposals) {
      const v = p.site.verdict;
      const li = el(
        "li",
        { class: `proposal ${v}`, "data-id": p.proposal_id },
        el("span", { class: "badge" }, label("verdict", v)),
        " ",
        el("strong", {}, p.name_zh),
        ` · ${label("category", p.category)} · ${label("level", p.level)}`,
        p.submitter ? ` · ${T.submitted_by} ${p.submitter}` : null,
        p.note ? el("div", { class: "note" }, p.note) : null,
      );
      const reasons = p.site.findings.filter((f) => !f.waived && f.severity === "error");
      if (reasons.length) li.append(el("div", { class: "reasons" }, reasons.map((f) => `${f.clause} ${f.message}`).join("；")));
      list.append(li);
      const layer = L.geoJSON(p.geometry, {
        style: { color: v === "pass" ? "#1a9641" : "#d7191c", weight: 2 },
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6 }),
      });
      layer.bindTooltip(el("span", {}, `${p.name_zh} · ${label("verdict", v)}`));
      proposalsLayer.addLayer(layer);
    }
  }

  function updateDownloads(site) {
    const box = $("site-downloads");
    const c = choice();
    const siteParams = { lon: site.lon, lat: site.lat, category: c.category, level: c.level, area_km2: c.area_km2, name: site.name };
    const feasParams = { category: c.category, level: c.level, area_km2: c.area_km2 };
    box.replaceChildren(`${T.download_site}: `);
    for (const f of ["pdf", "png", "svg"]) box.append(el("a", { href: TG.url(`/download/site.${f}`, siteParams) }, f.toUpperCase()), " ");
    box.append(el("br"), `${T.download_feasible}: `);
    for (const f of ["pdf", "png", "svg"]) box.append(el("a", { href: TG.url(`/download/feasible.${f}`, feasParams) }, f.toUpperCase()), " ");
  }

  async function showFeasible() {
    if (feasibleLayer) {
      feasibleLayer.remove();
      feasibleLayer = null;
    }
    if (!$("show-feasible").checked) return;
    const c = choice();
    try {
      const doc = await api("/api/feasible", { params: c });
      feasibleLayer = L.geoJSON(doc.geojson, {
        style: { color: "#1a9641", weight: 1, fillColor: "#1a9641", fillOpacity: 0.25 },
        interactive: false,
      }).addTo(map);
    } catch (err) {
      showError(errorBox, err);
    }
  }
  $("show-feasible").addEventListener("change", showFeasible);
  $("category").addEventListener("change", showFeasible);
  $("level").addEventListener("change", showFeasible);

  await loadProposals();
  document.body.dataset.ready = "1";
})();
