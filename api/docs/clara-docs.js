// Clara's addition to Redoc's page (GET /docs), loaded before Redoc's
// bundle. Redoc's side menu ends with "API docs by Redocly" and an <img> of
// https://cdn.redoc.ly/redoc/logo-mini.svg, which the page's CSP refuses
// (the page loads nothing from elsewhere) and the browser would report as a
// violation in its console. Redoc hides that image when it fails to load:
// whether its src is set as an attribute or as a property, this points it
// at an empty data: URL instead, which fails to load without a request or a
// report.
(() => {
  'use strict';
  const logo = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
  const local = (value) => (String(value) === logo ? 'data:,' : value);
  const img = HTMLImageElement.prototype;
  const setAttribute = Element.prototype.setAttribute;
  img.setAttribute = function (name, value) {
    return setAttribute.call(this, name, String(name).toLowerCase() === 'src' ? local(value) : value);
  };
  const src = Object.getOwnPropertyDescriptor(img, 'src');
  Object.defineProperty(img, 'src', {
    ...src,
    set(value) {
      src.set.call(this, local(value));
    },
  });
})();
