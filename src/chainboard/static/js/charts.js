// Initialise every <div data-chart="ID"> from the JSON option in <script id="ID">.
// Option objects are built server-side (chainboard.dashboards.charts); nothing is fetched.
(function () {
  function init(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.ready) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = echarts.init(el, null, { renderer: el.dataset.renderer || "canvas" });
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.ready = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
