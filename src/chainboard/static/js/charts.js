// Initialise every <div data-chart="ID"> from the JSON option in <script id="ID">.
// Option objects are built server-side (each app's charts.py); nothing is fetched.
(function () {
  function init(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.ready) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = echarts.init(el, null, { renderer: el.dataset.renderer || "canvas" });
      var option = JSON.parse(src.textContent);
      // JSON cannot carry functions: tooltip.valueSuffix " 亿元" becomes a valueFormatter
      if (option.tooltip && typeof option.tooltip.valueSuffix === "string") {
        var suffix = option.tooltip.valueSuffix;
        option.tooltip.valueFormatter = function (v) {
          return v === null || v === undefined || v === "-" ? "-" : v + suffix;
        };
      }
      chart.setOption(option);
      el.dataset.ready = "1";
      window.addEventListener("resize", function () {
        // a collapsed (0-wide) box makes a graph's view transform singular and ECharts throws
        if (el.clientWidth > 0 && el.clientHeight > 0) chart.resize();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
