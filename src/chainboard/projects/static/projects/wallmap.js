// Register the city's outlines (inline JSON from chainboard.geo.boundaries) under the city's code
// before static/js/charts.js draws the map: deferred scripts run before DOMContentLoaded.
(function () {
  if (!window.echarts) return;
  document.querySelectorAll("[data-map][data-outlines]").forEach(function (el) {
    var src = document.getElementById(el.dataset.outlines);
    if (src) echarts.registerMap(el.dataset.map, JSON.parse(src.textContent));
  });
})();
