// Swagger UI over the app's own spec (a script file: the pages' policy runs no inline script).
const container = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({url: container.dataset.specUrl, dom_id: "#swagger-ui"});
