// The application: its state (cloud, layer slot, visible languages, query, hover, pin) and the
// wiring between the header controls, the panels (30_panel.js), the legend, the search, the
// tooltip and info box, the attention view and the charts. Frames are drawn on demand, at most one
// per animation frame (schedule / renderNow).
class App {
  constructor(model) {
    this.model = model;
    const nl = model.languages.length;
    this.colors = model.colors;
    this.langCss = this.colors.map(css);
    this.visible = new Uint8Array(nl).fill(1);
    this.slot = 0; this.cloud = null;
    this.query = ''; this.searching = false;
    this.transPref = { sentences: true, tokens: false };
    this.hover = -1; this.hoverPanel = null; this.lastMouse = null;
    this.pinned = -1; this.pinnedRelated = [];
    this.lists = null; this.style = null; this.matchStats = null;
    this.rgbCache = new Map();
    this.rafPending = false;
    this.panels = METHODS.map((m) => new Panel(this, m));
    this.compare = model.compare ? new CompareView(this) : null;  // adds the second file's panels
    this.tips = new Tooltip(this);
    this.info = new InfoBox(this);
    this.attention = new AttentionView(this);
    this.buildHeader();
    this.legend = new Legend(this);
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) { e.target._w = e.contentRect.width; e.target._h = e.contentRect.height; }
      this.schedule(() => this.updateCharts());
    });
    ro.observe($('variance')); ro.observe($('kl'));
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('resize', () => this.invalidateAll(true));
  }

  // -- header controls
  buildHeader() {
    const m = this.model, d = m.data;
    document.title = d.title || 'polyrep report';
    $('title').textContent = d.title || 'polyrep report';
    const parts = [];
    const title = String(d.title || '');
    if (d.model && !title.includes(d.model)) parts.push('model ' + d.model);
    if (d.source && !title.includes(d.source)) parts.push(d.source);
    parts.push(fmtInt(m.languages.length) + (m.languages.length === 1 ? ' language' : ' languages'));
    const deep = m.layers.filter((l) => l !== 0).length;
    parts.push(m.layers.includes(0) ? 'embeddings + ' + deep + (deep === 1 ? ' layer' : ' layers') : m.layers.length + ' layers');
    if (m.sentences.count) parts.push(fmtInt(m.sentences.count) + ' sentences');
    $('subtitle').textContent = parts.join(' · ');
    $('subtitle').title = $('subtitle').textContent;
    const sel = $('cloud');
    for (const c of m.clouds) sel.append(h('option', { value: c.name, text: c.label + ' · ' + fmtInt(c.count) }));
    sel.addEventListener('change', () => this.setCloud(sel.value));
    const layer = $('layer');
    layer.max = String(m.layers.length - 1);
    layer.addEventListener('input', () => this.setLayer(Number(layer.value)));
    installSearch(this);
    $('variance').addEventListener('click', (e) => { if ($('variance')._pick) this.setLayer($('variance')._pick(e.clientX)); });
    $('kl').addEventListener('click', (e) => { if ($('kl')._pick) this.setLayer($('kl')._pick(e.clientX)); });
  }

  layerName(slot) {
    const l = this.model.layers[slot];
    return l === 0 ? 'embeddings' : 'layer ' + l;
  }

  // -- state changes
  setVisible(l, v) {
    if (l === null) this.visible.fill(v); else this.visible[l] = v;
    this.recompute();
  }

  isolate(l) {
    const onlyThis = this.visible[l] && this.visible.every((v, j) => (j === l) === !!v);
    if (onlyThis) this.visible.fill(1); else { this.visible.fill(0); this.visible[l] = 1; }
    this.recompute();
  }

  setCloud(name) {
    const c = this.model.clouds.find((x) => x.name === name);
    if (!c) return false;
    this.cloud = c;
    $('cloud').value = name;
    this.pinned = -1; this.pinnedRelated = []; this.hover = -1;
    this.tips.hide();
    this.attention.show(-1);
    const box = $('translations-box'), chk = $('translations');
    chk.disabled = !c.hasSentences;
    box.classList.toggle('disabled', !c.hasSentences);
    chk.checked = c.hasSentences && !!this.transPref[c.name];
    for (const p of this.panels) {
      p.setPresent(p.cloud().views.has(p.method), this.compare ? this.compare.missingNote(p.method) :
        'No ' + METHOD_NAME[p.method] + ' layout for this cloud in the file' +
        (p.method === 'tsne' ? ' (run polyrep reduce --tsne).' : ' (run polyrep reduce --pca).'));
      p.k = 1; p.tx = 0; p.ty = 0;
    }
    this.recompute();
    this.updateCharts();
    this.info.render();
    return true;
  }

  setLayer(slot) {
    slot = Math.round(Number(slot));
    if (!(slot >= 0 && slot < this.model.layers.length)) return false;
    this.slot = slot;
    $('layer').value = String(slot);
    $('layer-label').textContent = this.layerName(slot);
    this.updatePanelText();
    this.invalidateAll(true);
    this.updateCharts();
    this.attention.setSlot(slot);
    if (this.compare) this.compare.setSlot(slot);
    if (this.lastMouse) this.hoverAt(this.lastMouse.panel, this.lastMouse.mx, this.lastMouse.my, this.lastMouse.cx, this.lastMouse.cy);
    return true;
  }

  setQuery(q) {
    q = q.trim().toLowerCase();
    if (q === this.query) return;
    this.query = q;
    this.recompute();
  }

  // per-point colours (Uint8 RGB), cached per cloud
  pointColors(c) {
    let rgb = this.rgbCache.get(c);
    if (!rgb) {
      rgb = new Uint8Array(3 * c.count);
      for (let i = 0; i < c.count; i++) {
        const col = this.colors[c.lang[i]];
        rgb[3 * i] = col[0]; rgb[3 * i + 1] = col[1]; rgb[3 * i + 2] = col[2];
      }
      this.rgbCache.set(c, rgb);
    }
    return rgb;
  }

  // styles of all points from the query, then the draw lists (shuffled order, visible languages)
  recompute() {
    const c = this.cloud;
    const { style, stats } = searchStyles(this.model, c, this.query, $('translations').checked);
    this.lists = drawLists(c, style, stats, this.visible);
    this.style = style; this.matchStats = stats; this.searching = !!style;
    renderSearchCount($('search-count'), stats);
    this.legend.update();
    this.updatePanelText();
    if (this.hover >= 0 && !this.visible[c.lang[this.hover]]) this.clearHover();
    this.invalidateAll(true);
  }

  updatePanelText() {
    const drawn = this.lists ? this.lists.baseLen + this.lists.transLen + this.lists.matchLen : 0;
    for (const p of this.panels) p.updateText(drawn);
  }

  updateCharts() {
    if (this.cloud) renderCharts(this.model, this.cloud, this.slot);
  }

  // -- rendering
  invalidate(panel, points) {
    if (points) panel.dirtyPoints = true;
    panel.dirtyOverlay = true;
    this.schedule();
  }
  invalidateAll(points) { for (const p of this.panels) this.invalidate(p, points); }
  invalidateOverlays() { for (const p of this.panels) p.dirtyOverlay = true; this.schedule(); }
  schedule(extra) {
    if (extra) (this.pendingExtra || (this.pendingExtra = [])).push(extra);
    if (this.rafPending) return;
    this.rafPending = true;
    requestAnimationFrame(() => this.renderNow());
  }
  renderNow() {
    this.rafPending = false;
    const extra = this.pendingExtra; this.pendingExtra = null;
    if (extra) for (const fn of new Set(extra)) fn();
    const t0 = performance.now();
    let drewPoints = false;
    for (const p of this.panels) {
      if (!p.present) continue;
      p.measure();
      if (!p.live()) {  // this slot is missing from the view: blank panel
        p.drawn = 0; p.renderer.resize(p.canvas.width, p.canvas.height); p.overlay.width = p.overlay.width;
        p.dirtyPoints = false; p.dirtyOverlay = false; continue;
      }
      if (p.W < 2 || p.H < 2) continue;
      if (p.dirtyPoints) {
        p.drawPoints();
        if (p.renderer.lost) { p.fallBackTo2d(); continue; }
        p.dirtyPoints = false; drewPoints = true; p.dirtyOverlay = true;
      }
    }
    const t1 = performance.now();
    for (const p of this.panels) {
      if (p.live() && p.dirtyOverlay && p.W >= 2) { p.drawOverlay(); p.dirtyOverlay = false; }
    }
    if (drewPoints) hooks.lastFrameMs = t1 - t0;
    hooks.frames++;
    const first = this.panels.find((p) => p.present);
    hooks.renderer = first ? first.renderer.kind : null;
    hooks.ready = true;
  }

  // -- hover and pin
  hoverAt(panel, mx, my, cx, cy) {
    this.lastMouse = { panel, mx, my, cx, cy };
    if (!panel.live()) { this.tips.hide(); return; }
    const { best, also } = panel.pick(mx, my);
    panel.overlay.classList.toggle('over-point', best >= 0);
    if (best !== this.hover || (best >= 0 && panel !== this.hoverPanel)) {
      this.hover = best; this.hoverPanel = best >= 0 ? panel : null;
      this.invalidateOverlays();
    }
    if (best < 0) { this.tips.hide(); return; }
    this.tips.showPoint(best, also, cx, cy);
  }

  clearHover() {
    this.lastMouse = null;
    if (this.hover >= 0) { this.hover = -1; this.hoverPanel = null; this.invalidateOverlays(); }
    this.tips.hide();
  }

  // pins point i of the current cloud (-1: unpin): its translations marked, the info box, and the
  // attention maps of its sentence
  pin(i) {
    const c = this.cloud;
    this.pinned = i;
    this.pinnedRelated = [];
    if (i >= 0 && c.sentenceOf(i) >= 0) {
      const s = c.sentenceOf(i), src = this.model.sentences.source[s];
      this.pinnedRelated = (c.pointsBySource().get(src) || []).filter((j) => c.sentence[j] !== s);
    }
    this.invalidateOverlays();
    this.info.render();
    this.attention.show(i >= 0 ? c.sentenceOf(i) : -1);
  }

  onKey(e) {
    const t = e.target, tag = t && t.tagName;
    const typing = tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || (t && t.isContentEditable);
    if (e.key === '/' && !typing) { e.preventDefault(); $('search').focus(); return; }
    if (e.key === 'Escape') {
      if (t === $('search') && $('search').value) return;
      this.pin(-1); return;
    }
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      this.setLayer(clamp(this.slot + (e.key === 'ArrowRight' ? 1 : -1), 0, this.model.layers.length - 1));
    }
  }
}
