// 大屏: scale the 1920×1080 stage to the window, tick the clock, rotate the panels, refresh.
(function () {
  var stage = document.getElementById("stage");
  if (!stage) return;

  function fit() {
    var k = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    var left = (window.innerWidth - 1920 * k) / 2, top = (window.innerHeight - 1080 * k) / 2;
    stage.style.transform = "translate(" + left + "px," + top + "px) scale(" + k + ")";
  }
  fit();
  window.addEventListener("resize", fit);

  // the clock: the server's wall time at render (the site's time zone, not the browser's),
  // advanced by the browser's elapsed time; computed in UTC fields so no zone is applied twice
  var clock = document.getElementById("clock");
  var m = /(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)/.exec(clock.dataset.now || "");
  var start = Date.now();
  var server = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : start;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var d = new Date(server + (Date.now() - start));
    clock.textContent = d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() +
      "日 " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  tick();
  setInterval(tick, 1000);

  // rotating panels
  var every = (parseInt(stage.dataset.rotate, 10) || 15) * 1000;
  document.querySelectorAll(".rotator").forEach(function (box) {
    var slides = box.querySelectorAll(".slide"), dots = box.querySelector(".dots"), i = 0;
    if (slides.length < 2) return;
    slides.forEach(function (_, k) {
      var dot = document.createElement("i");
      if (k === 0) dot.className = "on";
      dots.appendChild(dot);
    });
    setInterval(function () {
      slides[i].classList.remove("on"); dots.children[i].classList.remove("on");
      i = (i + 1) % slides.length;
      slides[i].classList.add("on"); dots.children[i].classList.add("on");
    }, every);
  });

  // auto-refresh: reload only when the server answers, so a network hiccup keeps the last data
  var refresh = (parseInt(stage.dataset.refresh, 10) || 300) * 1000;
  setInterval(function () {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (r.ok && !r.redirected) window.location.reload(); })
      .catch(function () {});
  }, refresh);
})();
