// The top bar's menu button (narrow screens): opens and closes the menu below the brand.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest(".menu-toggle");
  if (!button) return;
  var bar = button.closest(".topbar");
  var open = bar.classList.toggle("open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
