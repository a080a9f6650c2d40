// Start: read the embedded payload, or say why the report cannot be shown.
function fail(message) {
  hooks.error = message;
  const main = document.querySelector('main') || document.body;
  main.replaceWith(h('div', { class: 'fatal' }, [h('h2', { text: 'This report cannot be shown' }), h('div', { text: message })]));
}

function start() {
  const node = $('polyrep-data');
  if (!node) { fail('No data in this page. This file is the report template; `polyrep plot FILE --out DIR` writes the report.'); return; }
  let model;
  try {
    model = loadPayload(JSON.parse(node.textContent));
  } catch (e) {
    fail('The embedded data is unusable: ' + (e && e.message ? e.message : e));
    return;
  }
  node.textContent = '';  // let the browser drop the JSON text
  const app = new App(model);
  installHooks(app);
  app.setCloud(model.clouds[0].name);
  app.setLayer(0);
  app.renderNow();
}


if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
