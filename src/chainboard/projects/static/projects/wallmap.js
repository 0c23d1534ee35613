// The wall map 挂图. Before static/js/charts.js draws it (deferred scripts run before
// DOMContentLoaded): register the city's outlines (inline JSON from chainboard.geo.boundaries)
// under the city's code. Once drawn: a click on a project's bubble shows its card (name,
// county, stage, investment, link to the project page) beside the map.
(function () {
  if (!window.echarts) return;
  document.querySelectorAll("[data-map][data-outlines]").forEach(function (el) {
    var src = document.getElementById(el.dataset.outlines);
    if (src) echarts.registerMap(el.dataset.map, JSON.parse(src.textContent));
  });

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value || "—";
  }

  function showCard(item) {
    var card = document.getElementById("map-card");
    if (!card || !item || !item.url) return;
    text("map-card-name", item.name);
    text("map-card-county", item.county);
    text("map-card-stage", item.stage);
    text("map-card-investment", item.investment);
    text("map-card-done", item.done);
    document.getElementById("map-card-link").setAttribute("href", item.url);
    card.hidden = false;
    if (card.getBoundingClientRect().top > window.innerHeight) card.scrollIntoView({ block: "nearest" });
  }

  window.addEventListener("load", function () {
    var el = document.getElementById("wallmap");
    var chart = el && echarts.getInstanceByDom(el);
    if (!chart) return;
    chart.on("click", function (e) {
      if (e.componentSubType === "scatter" && e.data && e.data.url) showCard(e.data);
    });
    var close = document.getElementById("map-card-close");
    if (close) close.addEventListener("click", function () {
      document.getElementById("map-card").hidden = true;
    });
  });
})();
