// /api/docs: start Swagger UI (static/vendor/swagger-ui-bundle.js) on the page's settings
// (<script id="swagger-settings">, from chainboard.api.LocalSwagger). The OpenAPI document is
// /api/openapi.json of this server; "Try it out" sends the session's CSRF token like a form.
(function () {
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = csrfToken;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
