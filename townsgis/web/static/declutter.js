/* Keeps a Leaflet map's permanent labels (tooltips of class tg-label) apart at every zoom:
   in priority order (towns, distances, units, neighbours, lakes: classes tg-KIND-label) each
   label takes the first of its candidate positions (as placed, left of its anchor, above,
   below) that overlaps no label already kept; a label with no free position is hidden. Runs
   at load and after every zoom, pan or layer toggle. Used by the workbench's layout page and
   inlined by townsgis.webmap into every map file: tgDeclutter(map). */
"use strict";
window.tgDeclutter = function (map) {
  var ORDER = ['tg-town-label', 'tg-dist-label', 'tg-unit-label', 'tg-neighbour-label',
               'tg-water-label'];
  function rank(el) {
    for (var i = 0; i < ORDER.length; i++) if (el.classList.contains(ORDER[i])) return i;
    return ORDER.length;
  }
  function candidates(el, w, h) {
    if (el.classList.contains('leaflet-tooltip-right')) {
      return [[0, 0], [-(w + 18), 0], [-(w / 2) - 6, -(h / 2) - 8], [-(w / 2) - 6, h / 2 + 8]];
    }
    return [[0, 0], [0, -(h + 2)], [0, h + 2], [w / 2 + 8, 0], [-(w / 2) - 8, 0]];
  }
  function declutter() {
    var els = Array.prototype.slice.call(
      map.getContainer().querySelectorAll('.leaflet-tooltip.tg-label'));
    els.forEach(function (el) {
      el.style.visibility = ''; el.style.marginLeft = '0px'; el.style.marginTop = '0px';
      el.classList.remove('tg-hidden');
    });
    els.sort(function (a, b) { return rank(a) - rank(b); });
    var kept = [];
    els.forEach(function (el) {
      var r0 = el.getBoundingClientRect(), w = r0.width, h = r0.height;
      var cands = candidates(el, w, h);
      for (var c = 0; c < cands.length; c++) {
        var r = {left: r0.left + cands[c][0], right: r0.right + cands[c][0],
                 top: r0.top + cands[c][1], bottom: r0.bottom + cands[c][1]};
        var hit = kept.some(function (k) {
          return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
        });
        if (!hit) {
          el.style.marginLeft = cands[c][0] + 'px'; el.style.marginTop = cands[c][1] + 'px';
          kept.push(r);
          return;
        }
      }
      el.style.visibility = 'hidden'; el.classList.add('tg-hidden');
    });
  }
  map.on('zoomend moveend overlayadd overlayremove', function () { setTimeout(declutter, 0); });
  map.whenReady(function () { setTimeout(declutter, 0); });
  window.townsgisDeclutter = declutter;
};
