// Swagger UI over the REST API's OpenAPI description, served beside this page. "Try it out"
// calls the API at this origin, which is Envoy's when the page is opened through it.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: 'churnwire.swagger.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // The public validator badge would send the description off this origin.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list',
  });
});
