// The test hooks of window.polyrepReport (documented in 00_base.js), answering for the current
// state: a frame that is pending is drawn first.
function installHooks(app) {
  const on = (p, m, side) => p.method === m && p.side === (side | 0);
  const panelOf = (m, side) => app.panels.find((p) => on(p, m, side) && p.present);
  const livePanel = (m, side) => app.panels.find((p) => on(p, m, side) && p.live());
  const flush = () => { if (app.rafPending) app.renderNow(); };
  hooks.drawnCount = (m, side) => { flush(); const p = panelOf(m, side); return p ? p.drawn : null; };
  hooks.pathPoints = (m, side) => { flush(); const p = panelOf(m, side); return p ? p.pathPoints || 0 : null; };
  hooks.drawnSlot = (m, side) => { flush(); const p = panelOf(m, side); return p ? p.drawnSlot : null; };
  hooks.hovered = () => (app.hover >= 0 && app.hoverPanel ? { index: app.hover, method: app.hoverPanel.method, side: app.hoverPanel.side } : null);
  hooks.screenPosition = (m, i, side) => {
    flush();
    const p = livePanel(m, side), c = p ? p.cloud() : app.cloud;
    if (!p || !(i >= 0 && i < c.count) || !app.visible[c.lang[i]]) return null;
    const f = p.transform(), xy = c.xy(m, app.slot);
    const [x, y] = p.toScreen(i, f, xy);
    if (x < 0 || y < 0 || x > p.W || y > p.H) return null;
    const r = p.overlay.getBoundingClientRect();
    return { x: r.left + x, y: r.top + y };
  };
  hooks.setCloud = (name) => { const ok = app.setCloud(String(name)); if (ok) app.renderNow(); return ok; };
  hooks.setLayer = (slot) => { const ok = app.setLayer(slot); if (ok) app.renderNow(); return ok; };
  hooks.attention = () => app.attention.state();
  Object.defineProperty(hooks, 'cloud', { get: () => app.cloud.name, enumerable: true });
  Object.defineProperty(hooks, 'layer', { get: () => app.slot, enumerable: true });
}
