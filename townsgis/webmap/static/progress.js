/* townsgis progress map: one canvas-rendered GeoJSON layer of projects (circleMarker via
 * pointToLayer), restyled by a quarter slider that also switches the county and town
 * summaries (popups), the towns' colours and the quarter in the title. Part of townsgis (MIT).
 * All strings in D (popups included) are HTML-escaped in Python before they reach this code. */
function townsgisProgress(map, group, D, units, towns) {
  "use strict";
  var mark = function (name) { if (window.performance && performance.mark) performance.mark(name); };
  mark("tg-progress-start");
  var n = D.x.length, nq = D.quarters.length, stallN = D.stall_quarters;
  var codes = D.stage_codes;            // e.g. "raco": one letter per stage, pipeline order
  // hist[i] = flat [q0, s0, q1, s1, ...]: quarter index (into D.quarters) and stage index
  var hist = new Array(n), re = /(\d+)([a-z])/g, m;
  for (var i = 0; i < n; i++) {
    var h = [], s = D.h[i];
    re.lastIndex = 0;
    while ((m = re.exec(s)) !== null) { h.push(+m[1], codes.indexOf(m[2])); }
    hist[i] = h;
  }
  function stateAt(i, q) {   // [stage index or -1, quarter of the last change]
    var h = hist[i], st = -1, since = -1;
    for (var k = 0; k < h.length && h[k] <= q; k += 2) { st = h[k + 1]; since = h[k]; }
    return [st, since];
  }
  function isStalled(st, since, q) {
    return st >= 0 && st !== codes.length - 1 && q - since >= stallN;
  }
  if (!map.getPane("tg-projects")) {
    map.createPane("tg-projects").style.zIndex = 450;  // above the town polygons (400)
  }
  mark("tg-histories-parsed");
  var renderer = L.canvas({padding: 0.3, pane: "tg-projects"});
  var feats = new Array(n);
  for (var j = 0; j < n; j++) {
    feats[j] = {type: "Feature", properties: {i: j},
                geometry: {type: "Point", coordinates: [D.x[j], D.y[j]]}};
  }
  var current = D.initial;
  // style key: -1 not yet in the library, else stage * 2 + (stalled ? 1 : 0)
  function keyAt(i, q) {
    var st = stateAt(i, q);
    return st[0] < 0 ? -1 : st[0] * 2 + (isStalled(st[0], st[1], q) ? 1 : 0);
  }
  var OUTLINE_MAX = 5000;
  var HIDDEN = {opacity: 0, fillOpacity: 0, stroke: false, fill: false};
  var STYLES = [];
  for (var sk = 0; sk < codes.length * 2; sk++) {
    var stl = sk & 1;
    // thin outlines only on small maps: stroking 100k circles triples the canvas redraw time
    STYLES.push({opacity: 1, fillOpacity: 0.8, fillColor: D.stage_colors[sk >> 1], fill: true,
                 stroke: !!stl || n <= OUTLINE_MAX,
                 color: stl ? D.stalled_color : "#333333", weight: stl ? 2.5 : 0.6,
                 dashArray: stl ? "2 2" : null});
  }
  function styleOf(k) { return k < 0 ? HIDDEN : STYLES[k]; }
  var keys = new Int8Array(n);
  var layer = L.geoJSON({type: "FeatureCollection", features: feats}, {
    pointToLayer: function (f, latlng) {
      var i = f.properties.i, k = keyAt(i, current);
      keys[i] = k;
      var opts = {renderer: renderer, radius: 2 + 2.2 * Math.sqrt(Math.max(D.v[i], 0))};
      var st = styleOf(k);
      for (var a in st) { opts[a] = st[a]; }
      return L.circleMarker(latlng, opts);
    }
  });
  mark("tg-layer-built");
  layer.bindPopup(function (l) {
    var i = l.feature.properties.i, st = stateAt(i, current);
    var stage = st[0] < 0 ? D.labels.not_started : D.stage_labels[st[0]];
    var rows = [[D.labels.id, D.id[i]], [D.labels.town, D.town[i]], [D.labels.stage, stage],
                [D.labels.since, st[1] < 0 ? "" : D.quarters[st[1]]],
                [D.labels.total, D.v[i]], [D.labels.invested, D.inv[i]]];
    if (isStalled(st[0], st[1], current)) rows.push([D.labels.stalled, current - st[1]]);
    var html = '<div class="tg-popup"><b>' + D.name[i] + '</b><table>';
    for (var k = 0; k < rows.length; k++) {
      html += "<tr><th>" + rows[k][0] + "</th><td>" + rows[k][1] + "</td></tr>";
    }
    return html + "</table></div>";
  });
  group.addLayer(layer);
  // The canvas lies over the county and town outlines (SVG): it takes no pointer events, so
  // a click reaches the county or town under it, whose handler opens the topmost project
  // circle under the pointer instead, if there is one.
  // (CSS: .leaflet-tg-projects-pane canvas {pointer-events: none})
  function projectAt(latlng) {
    var p = map.latLngToLayerPoint(latlng), found = null;
    layer.eachLayer(function (l) {
      if (keys[l.feature.properties.i] < 0) return;
      var c = map.latLngToLayerPoint(l.getLatLng());
      if (c.distanceTo(p) <= l.getRadius() + 1) found = l;
    });
    return found;
  }
  [units, towns].forEach(function (polys) {
    if (!polys) return;
    polys.eachLayer(function (l) {
      l.off("click", l._openPopup, l);
      l.on("click", function (e) {
        var hit = projectAt(e.latlng);
        if (hit) { hit.fire("click", {latlng: hit.getLatLng()}, true); }
        else { l.openPopup(e.latlng); }
      });
    });
  });
  mark("tg-layer-added");
  var counts = null;
  function restyle(q) {   // restyles only the projects whose stage or stalled flag changed
    current = q;
    counts = {stages: [], stalled: 0, shown: 0};
    for (var c = 0; c < codes.length; c++) counts.stages.push(0);
    layer.eachLayer(function (l) {
      var i = l.feature.properties.i, k = keyAt(i, q);
      if (k >= 0) {
        counts.shown++; counts.stages[k >> 1]++; if (k & 1) counts.stalled++;
      }
      if (k !== keys[i]) { l.setStyle(styleOf(k)); keys[i] = k; }
    });
    if (label) label.innerHTML = D.labels.quarter + " <b>" + D.quarters[q] + "</b>";
    var spans = document.querySelectorAll(".tg-q");
    for (var sp = 0; sp < spans.length; sp++) spans[sp].textContent = D.quarters[q];
    if (units && D.unit_popups) {
      units.eachLayer(function (l) { l.setPopupContent(D.unit_popups[q][l.feature.id]); });
    }
    if (towns && D.town_popups) {
      towns.eachLayer(function (l) {
        l.setPopupContent(D.town_popups[q][l.feature.id]);
        l.setStyle({fillColor: D.town_colors[q][l.feature.id]});
      });
    }
    if (stats) {
      var html = "";
      for (var s = 0; s < codes.length; s++) {
        html += '<span style="color:' + D.stage_colors[s] + '">&#9679;</span> ' +
                D.stage_labels[s] + " " + counts.stages[s] + "&nbsp; ";
      }
      stats.innerHTML = html + "<br>" + D.labels.stalled + ": " + counts.stalled;
    }
  }
  var label = null, stats = null, slider = null;
  var Ctl = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var div = L.DomUtil.create("div", "tg-box tg-slider");
      div.id = "tg-slider";
      label = L.DomUtil.create("div", "", div);
      var row = L.DomUtil.create("div", "", div);
      var play = L.DomUtil.create("button", "", row);
      play.type = "button"; play.textContent = "\u25B6"; play.title = D.labels.play;
      slider = L.DomUtil.create("input", "", row);
      slider.type = "range"; slider.min = 0; slider.max = nq - 1; slider.step = 1;
      slider.value = current; slider.style.width = "200px";
      stats = L.DomUtil.create("div", "", div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      slider.addEventListener("input", function () { restyle(+slider.value); });
      var timer = null;
      play.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25B6"; return; }
        if (+slider.value >= nq - 1) slider.value = 0;
        play.textContent = "\u275A\u275A";
        timer = setInterval(function () {
          var v = +slider.value + 1;
          if (v > nq - 1) { clearInterval(timer); timer = null; play.textContent = "\u25B6"; return; }
          slider.value = v; restyle(v);
        }, 700);
      });
      return div;
    }
  });
  new Ctl().addTo(map);
  restyle(current);
  mark("tg-progress-ready");
  return {
    layer: layer,
    count: function () { return layer.getLayers().length; },
    quarter: function () { return D.quarters[current]; },
    setQuarter: function (q) { if (slider) slider.value = q; restyle(q); return counts; },
    counts: function () { return counts; },
    quarters: D.quarters
  };
}
