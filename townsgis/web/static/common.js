/* townsgis workbench: helpers shared by the pages.
   Everything shown is set as text (textContent / DOM nodes), never as HTML.
   No rule, verdict or threshold is computed here: the server answers, the page shows. */
"use strict";

const TG = (() => {
  const S = JSON.parse(document.getElementById("tg-session").textContent);
  const T = S.texts;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function url(path, params) {
    const u = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== null && v !== undefined && v !== "") u.searchParams.set(k, v);
    }
    u.searchParams.set("lang", S.lang);
    return u.pathname + u.search;
  }

  async function api(path, { params, json, form, method } = {}) {
    const opts = { method: method || (json || form ? "POST" : "GET"), headers: {} };
    if (opts.method !== "GET") opts.headers["X-CSRF-Token"] = S.csrf;
    if (json) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(json);
    } else if (form) {
      opts.body = form;
    }
    const resp = await fetch(url(path, params), opts);
    let body = null;
    try {
      body = await resp.json();
    } catch (e) {
      body = null;
    }
    if (!resp.ok) {
      const err = (body && body.error) || {};
      const e = new Error(err.message || String(resp.status));
      e.problems = err.problems || [];
      throw e;
    }
    return body;
  }

  function label(domain, id) {
    const d = S.labels[domain] || {};
    return id in d ? d[id] : String(id);
  }

  function unitName(id) {
    if (id === null || id === undefined) return T.city_wide;
    return S.units[id] || String(id);
  }

  function ruleTitle(id) {
    const r = S.rules[id];
    return r ? r.title : String(id);
  }

  function showError(box, err) {
    box.replaceChildren(el("strong", {}, err.message));
    if (err.problems && err.problems.length) {
      const ul = el("ul");
      for (const p of err.problems) ul.append(el("li", {}, p));
      box.append(ul);
    }
    box.hidden = false;
  }

  function townStyle(feature) {
    const c = (S.colours.category || {})[feature.properties.category] || "#555555";
    return { color: c, weight: 2, fillColor: c, fillOpacity: 0.35 };
  }

  async function baseMap(id) {
    const map = L.map(id, { zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    const [units, towns] = await Promise.all([api("/api/layers/units"), api("/api/layers/towns")]);
    const unitLayer = L.geoJSON(units, {
      style: (f) => ({
        color: f.properties.kind === "functional_zone" ? "#8c6d31" : "#444444",
        weight: f.properties.kind === "functional_zone" ? 1.5 : 2,
        dashArray: f.properties.kind === "functional_zone" ? "6 4" : null,
        fill: false,
        interactive: false,
      }),
      interactive: false,
    }).addTo(map);
    const townLayer = L.geoJSON(towns, {
      style: townStyle,
      onEachFeature: (f, layer) => {
        const p = f.properties;
        const name = S.lang === "zh" ? p.name_zh : p.name_en || p.name_zh;
        layer.bindTooltip(
          el("span", {}, `${name} · ${label("category", p.category)} · ${label("level", p.level)}`),
        );
      },
    }).addTo(map);
    map.fitBounds(unitLayer.getBounds(), { padding: [10, 10] });
    TG.map = map; // for tests and the console
    return { map, unitLayer, townLayer };
  }

  return { S, T, el, url, api, label, unitName, ruleTitle, showError, baseMap, townStyle, map: null };
})();
