/* townsgis progress map: the projects drawn by ONE canvas layer straight from compact
 * columnar arrays (no Leaflet object per project, so 100,000 projects draw in one pass),
 * restyled by a quarter slider that also switches the county and town summaries (popups),
 * the towns' colours and the quarter in the title. A project's popup is built on click.
 * Part of townsgis (MIT). All strings in D (popups included) are HTML-escaped in Python
 * before they reach this code. */
function townsgisProgress(map, group, D, units, towns) {
  "use strict";
  var mark = function (name) { if (window.performance && performance.mark) performance.mark(name); };
  mark("tg-progress-start");
  var n = D.dx.length, nq = D.quarters.length, stallN = D.stall_quarters;
  var codes = D.stage_codes;            // e.g. "raco": one letter per stage, pipeline order
  var last = codes.length - 1, scale = Math.pow(10, D.decimals);
  // hist[i] = flat [q0, s0, q1, s1, ...]: quarter index (into D.quarters) and stage index
  var hist = new Array(n), re = /(\d+)([a-z])/g, m;
  // KEYS[q * n + i]: style key of project i at quarter q: -1 not yet in the library, else
  // stage * 2 + (stalled ? 1 : 0); computed once, so a slider move only redraws
  var KEYS = new Int8Array(n * nq);
  for (var i = 0; i < n; i++) {
    var h = [], s = D.h[i];
    re.lastIndex = 0;
    while ((m = re.exec(s)) !== null) { h.push(+m[1], codes.indexOf(m[2])); }
    hist[i] = h;
    var k = 0, st = -1, since = -1;
    for (var q = 0; q < nq; q++) {
      while (k < h.length && h[k] <= q) { st = h[k + 1]; since = h[k]; k += 2; }
      KEYS[q * n + i] = st < 0 ? -1 : st * 2 + (st !== last && q - since >= stallN ? 1 : 0);
    }
  }
  function stateAt(i, q) {   // [stage index or -1, quarter of the last change]
    var h = hist[i], st = -1, since = -1;
    for (var k = 0; k < h.length && h[k] <= q; k += 2) { st = h[k + 1]; since = h[k]; }
    return [st, since];
  }
  // positions: lon/lat, and Web Mercator pixels at zoom 0 (scaled by 2^zoom when drawn)
  var LON = new Float64Array(n), LAT = new Float64Array(n);
  var PX = new Float64Array(n), PY = new Float64Array(n), R = new Float32Array(n);
  var crs = map.options.crs, s0 = crs.scale(0);
  for (var j = 0; j < n; j++) {
    LON[j] = (D.x0 + D.dx[j]) / scale; LAT[j] = (D.y0 + D.dy[j]) / scale;
    var p0 = crs.latLngToPoint(L.latLng(LAT[j], LON[j]), 0);
    PX[j] = p0.x; PY[j] = p0.y;
    R[j] = 2 + 2.2 * Math.sqrt(Math.max(D.v[j], 0));
  }
  mark("tg-histories-parsed");
  var OUTLINE_MAX = 5000;   // thin outlines only on small maps: they triple the drawing time
  var STYLES = [];
  for (var sk = 0; sk < codes.length * 2; sk++) {
    var stl = sk & 1;
    STYLES.push({fill: true, fillColor: D.stage_colors[sk >> 1], fillOpacity: 0.8,
                 stroke: !!stl || n <= OUTLINE_MAX, color: stl ? D.stalled_color : "#333333",
                 weight: stl ? 2.5 : 0.6, dashArray: stl ? [2, 2] : null});
  }
  var HIDDEN = {fill: false, fillColor: null, stroke: false, color: null};
  var current = D.initial;
  function keyOf(i) { return KEYS[current * n + i]; }

  var PAD = 0.3;   // the canvas reaches this share of the view beyond each edge (panning)
  var ProjectLayer = L.Layer.extend({
    onAdd: function () {
      if (!map.getPane("tg-projects")) {
        map.createPane("tg-projects").style.zIndex = 450;  // above the town polygons (400)
      }
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated tg-project-canvas");
      map.getPane("tg-projects").appendChild(this._canvas);
      map.on("moveend viewreset resize", this.redraw, this);
      map.on("zoomanim", this._animateZoom, this);
      this.redraw();
    },
    onRemove: function () {
      map.off("moveend viewreset resize", this.redraw, this);
      map.off("zoomanim", this._animateZoom, this);
      L.DomUtil.remove(this._canvas);
    },
    _animateZoom: function (e) {   // as Leaflet's own renderers follow a zoom animation
      if (!this._center) return;   // nothing drawn yet
      var sc = map.getZoomScale(e.zoom, this._zoom);
      var half = map.getSize().multiplyBy(0.5 + PAD);
      var off = half.multiplyBy(-sc).add(map.project(this._center, e.zoom))
        .subtract(map._getNewPixelOrigin(e.center, e.zoom));
      L.DomUtil.setTransform(this._canvas, off, sc);
    },
    // container pixel of project i in the current view
    _xy: function (i) {
      var f = crs.scale(map.getZoom()) / s0, o = map.getPixelOrigin(), pane = map._getMapPanePos();
      return [PX[i] * f - o.x + pane.x, PY[i] * f - o.y + pane.y];
    },
    redraw: function () {   // at most once a frame (a pan and a zoom ask together)
      if (!this._canvas || this._pending) return;
      this._pending = L.Util.requestAnimFrame(this._draw, this);
    },
    _draw: function () {
      this._pending = null;
      var c = this._canvas;
      if (!c) return;
      var size = map.getSize(), pad = size.multiplyBy(PAD);
      var topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      var w = size.x + 2 * pad.x, hgt = size.y + 2 * pad.y, dpr = window.devicePixelRatio || 1;
      this._center = map.getCenter(); this._zoom = map.getZoom();
      L.DomUtil.setPosition(c, topLeft);
      c.width = Math.round(w * dpr); c.height = Math.round(hgt * dpr);
      c.style.width = w + "px"; c.style.height = hgt + "px";
      var ctx = c.getContext("2d"), W = c.width, H = c.height;
      var img = ctx.createImageData(W, H), buf = img.data;
      var f = crs.scale(this._zoom) / s0, o = map.getPixelOrigin();
      var ox = o.x + topLeft.x, oy = o.y + topLeft.y, base = current * n;
      // Each circle is composited into one pixel buffer from a pre-drawn sprite (per style
      // and half-pixel radius), front to back, so a pixel already covered by the circles
      // drawn over it costs one test: a software canvas takes seconds to rasterise 100,000
      // arcs or to copy 100,000 images. The result equals painting them back to front.
      for (var pass = 1; pass >= 0; pass--) {   // stalled projects (dashed outline) on top
        for (var i = n - 1; i >= 0; i--) {
          var key = KEYS[base + i];
          if (key < 0 || (key & 1) !== pass) continue;
          var spr = sprite(key, R[i], dpr);
          var x0 = Math.round((PX[i] * f - ox) * dpr) - spr.half;
          var y0 = Math.round((PY[i] * f - oy) * dpr) - spr.half;
          if (x0 + spr.size <= 0 || y0 + spr.size <= 0 || x0 >= W || y0 >= H) continue;
          under(buf, W, H, spr, x0, y0);
        }
      }
      for (var d = 0; d < buf.length; d += 4) {   // premultiplied → straight colour
        var A = buf[d + 3];
        if (A > 0 && A < 255) {
          buf[d] = buf[d] * 255 / A; buf[d + 1] = buf[d + 1] * 255 / A;
          buf[d + 2] = buf[d + 2] * 255 / A;
        }
      }
      ctx.putImageData(img, 0, 0);
      mark("tg-projects-drawn");
    }
  });
  // "destination over" of a sprite's pixels into a premultiplied RGBA buffer
  function under(buf, W, H, spr, x0, y0) {
    var pix = spr.pix, col = spr.col, sz = spr.size;
    var inside = x0 >= 0 && y0 >= 0 && x0 + sz <= W && y0 + sz <= H;
    for (var k = 0; k < pix.length; k++) {
      var p = pix[k], x = x0 + (p % sz), y = y0 + ((p / sz) | 0);
      if (!inside && (x < 0 || y < 0 || x >= W || y >= H)) continue;
      var d = (y * W + x) * 4, A = buf[d + 3];
      if (A === 255) continue;
      var c = k * 4, t = (255 - A) * col[c + 3] / 255;   // share of the source still seen
      buf[d] += col[c] * t / 255; buf[d + 1] += col[c + 1] * t / 255;
      buf[d + 2] += col[c + 2] * t / 255; buf[d + 3] = A + t;
    }
  }
  var SPRITES = {};
  function sprite(key, r, dpr) {   // {size, half, pix: pixel offsets, col: their RGBA}
    var rq = Math.round(r * 2) / 2, id = key + ":" + rq + ":" + dpr, spr = SPRITES[id];
    if (spr) return spr;
    var sty = STYLES[key], rr = rq * dpr, lw = (sty.stroke ? sty.weight : 0) * dpr;
    var half = Math.ceil(rr + lw + 1), size = 2 * half;
    var cv = document.createElement("canvas");
    cv.width = cv.height = size;
    var g = cv.getContext("2d");
    g.beginPath(); g.arc(half, half, rr, 0, 2 * Math.PI);
    g.globalAlpha = sty.fillOpacity; g.fillStyle = sty.fillColor; g.fill();
    if (sty.stroke) {
      g.globalAlpha = 1; g.lineWidth = lw; g.strokeStyle = sty.color;
      g.setLineDash(sty.dashArray ? sty.dashArray.map(function (d) { return d * dpr; }) : []);
      g.stroke();
    }
    var data = g.getImageData(0, 0, size, size).data, pix = [], col = [];
    for (var p = 0; p < size * size; p++) {
      if (data[p * 4 + 3] === 0) continue;
      pix.push(p); col.push(data[p * 4], data[p * 4 + 1], data[p * 4 + 2], data[p * 4 + 3]);
    }
    spr = {size: size, half: half, pix: pix, col: col};
    SPRITES[id] = spr;
    return spr;
  }
  var layer = new ProjectLayer();

  function popupHtml(i) {
    var st = stateAt(i, current);
    var stage = st[0] < 0 ? D.labels.not_started : D.stage_labels[st[0]];
    var rows = [[D.labels.id, D.id[i]], [D.labels.town, D.towns[D.t[i]]], [D.labels.stage, stage],
                [D.labels.since, st[1] < 0 ? "" : D.quarters[st[1]]],
                [D.labels.total, D.v[i]], [D.labels.invested, D.inv[i]]];
    if (keyOf(i) & 1) rows.push([D.labels.stalled, current - st[1]]);
    var html = '<div class="tg-popup"><b>' + D.name[i] + '</b><table>';
    for (var k = 0; k < rows.length; k++) {
      html += "<tr><th>" + rows[k][0] + "</th><td>" + rows[k][1] + "</td></tr>";
    }
    return html + "</table></div>";
  }
  function openProject(i) {
    return L.popup({maxWidth: 440}).setLatLng([LAT[i], LON[i]]).setContent(popupHtml(i))
      .openOn(map);
  }
  // The canvas takes no pointer events (CSS: .leaflet-tg-projects-pane canvas
  // {pointer-events: none}), so a click reaches the county or town under it, whose handler
  // opens the nearest shown project circle under the pointer instead, if there is one.
  function projectAt(latlng) {
    var p = map.latLngToContainerPoint(latlng), found = -1, best = Infinity;
    var f = crs.scale(map.getZoom()) / s0, o = map.getPixelOrigin(), pane = map._getMapPanePos();
    var base = current * n;
    for (var i = 0; i < n; i++) {
      if (KEYS[base + i] < 0) continue;
      var dx = PX[i] * f - o.x + pane.x - p.x, dy = PY[i] * f - o.y + pane.y - p.y;
      var d2 = dx * dx + dy * dy, r = R[i] + 1;
      if (d2 <= r * r && d2 < best) { best = d2; found = i; }
    }
    return found;
  }
  [units, towns].forEach(function (polys) {
    if (!polys) return;
    polys.eachLayer(function (l) {
      l.off("click", l._openPopup, l);
      l.on("click", function (e) {
        var hit = projectAt(e.latlng);
        if (hit >= 0) { openProject(hit); } else { l.openPopup(e.latlng); }
      });
    });
  });
  var counts = null;
  function restyle(q) {
    current = q;
    counts = {stages: [], stalled: 0, shown: 0};
    for (var c = 0; c < codes.length; c++) counts.stages.push(0);
    var base = q * n;
    for (var i = 0; i < n; i++) {
      var k = KEYS[base + i];
      if (k >= 0) { counts.shown++; counts.stages[k >> 1]++; if (k & 1) counts.stalled++; }
    }
    layer.redraw();
    if (label) label.innerHTML = D.labels.quarter + " <b>" + D.quarters[q] + "</b>";
    var spans = document.querySelectorAll(".tg-q");
    for (var sp = 0; sp < spans.length; sp++) spans[sp].textContent = D.quarters[q];
    var shown = document.querySelectorAll(".tg-n");
    for (var sn = 0; sn < shown.length; sn++) {
      shown[sn].textContent = counts.shown.toLocaleString("en");
    }
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
  group.addLayer(layer);   // draws the projects once, at the initial quarter
  mark("tg-progress-ready");
  return {
    layer: layer,
    count: function () { return n; },
    quarter: function () { return D.quarters[current]; },
    setQuarter: function (q) { if (slider) slider.value = q; restyle(q); return counts; },
    counts: function () { return counts; },
    quarters: D.quarters,
    latLng: function (i) { return {lat: LAT[i], lng: LON[i]}; },
    point: function (i) { var xy = layer._xy(i); return {x: xy[0], y: xy[1]}; },
    // project i's drawing style at the slider's quarter: fill, fillColor, stroke, color
    style: function (i) { var k = keyOf(i); return k < 0 ? HIDDEN : STYLES[k]; },
    openProject: openProject,
    projectAt: function (lat, lng) { return projectAt(L.latLng(lat, lng)); }
  };
}
