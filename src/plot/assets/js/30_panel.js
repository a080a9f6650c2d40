// One scatter panel (PCA or t-SNE): a points canvas (20/21_render_*) under an overlay canvas for
// hover, pin and linked brushing; equal-aspect view transform with pan and zoom; picking. A compare
// report (75_compare.js) adds panels of the second file: opts {root, side: 1, cloud: () => its cloud}.
class Panel {
  constructor(app, method, opts) {
    opts = opts || {};
    this.app = app; this.method = method;
    this.side = opts.side || 0;
    this.cloudOf = opts.cloud || (() => app.cloud);
    this.drawnSlot = -1;
    this.root = opts.root || $('panel-' + method);
    this.plot = this.root.querySelector('.plot');
    this.meta = this.root.querySelector('.panel-meta');
    this.xlab = this.root.querySelector('.xlab');
    this.ylab = this.root.querySelector('.ylab');
    this.resetBtn = this.root.querySelector('.reset-view');
    this.canvas = null; this.overlay = null; this.renderer = null; this.note = null;
    this.present = false; this.drawn = 0;
    this.W = 0; this.H = 0; this.dpr = 1; this.pdpr = 1;
    this.k = 1; this.tx = 0; this.ty = 0;
    this.dirtyPoints = true; this.dirtyOverlay = true;
    this.drag = null;
    this.resetBtn.addEventListener('click', () => this.resetView());
    this.cssW = -1; this.cssH = -1;  // from the ResizeObserver, so frames never force a layout
    new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      this.cssW = r.width; this.cssH = r.height;
      this.app.invalidate(this, true);
    }).observe(this.plot);
  }
  setPresent(present, noteText) {
    this.present = present;
    if (present) {
      if (!this.canvas) this.createCanvases();
      if (this.note) { this.note.remove(); this.note = null; }
      if (!this.canvas.isConnected) this.plot.append(this.canvas, this.overlay);
    } else {
      if (this.canvas && this.canvas.isConnected) { this.canvas.remove(); this.overlay.remove(); }
      if (!this.note) { this.note = h('div', { class: 'note' }); this.plot.append(this.note); }
      this.note.textContent = noteText;
      this.drawn = 0;
    }
    this.resetBtn.hidden = true;
  }
  createCanvases() {
    this.canvas = h('canvas', { class: 'points', 'aria-label': METHOD_NAME[this.method] + ' scatter plot' });
    this.overlay = h('canvas', { class: 'overlay' });
    const want = new URLSearchParams(location.search).get('renderer');
    this.renderer = (want !== '2d' && GlRenderer.create(this.canvas, want === 'webgl')) || null;
    if (!this.renderer) {
      // a fresh canvas: one that was asked for webgl2 may refuse a 2d context
      this.canvas = h('canvas', { class: 'points', 'aria-label': METHOD_NAME[this.method] + ' scatter plot' });
      this.renderer = new CpuRenderer(this.canvas);
    } else {
      this.canvas.addEventListener('webglcontextlost', () => this.app.invalidate(this, true));
    }
    this.octx = this.overlay.getContext('2d');
    const ov = this.overlay;
    ov.addEventListener('pointerdown', (e) => this.onDown(e));
    ov.addEventListener('pointermove', (e) => this.onMove(e));
    ov.addEventListener('pointerup', (e) => this.onUp(e));
    ov.addEventListener('pointercancel', () => { this.drag = null; ov.classList.remove('dragging'); });
    ov.addEventListener('pointerleave', () => { if (!this.drag) this.app.clearHover(); });
    ov.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    ov.addEventListener('dblclick', (e) => { e.preventDefault(); this.resetView(); });
  }
  fallBackTo2d() {
    const old = this.canvas;
    this.canvas = h('canvas', { class: 'points' });
    this.renderer = new CpuRenderer(this.canvas);
    old.replaceWith(this.canvas);
    this.W = -1;  // forces a resize on the next frame
    this.app.invalidate(this, true);
  }
  // the cloud this panel shows: the current one, or (compare) the second file's layouts of it
  cloud() { return this.cloudOf(); }
  // true when the current cloud has this panel's method at the current layer slot
  live() { return this.present && !!this.cloud().layerInfo(this.method, this.app.slot); }
  measure() {
    const W = this.cssW >= 0 ? this.cssW : this.plot.clientWidth, H = this.cssH >= 0 ? this.cssH : this.plot.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    // the pixel-writing renderer keeps huge clouds at about 1 CSS pixel per pixel (4x fewer writes on
    // HiDPI screens); hover marks on the overlay stay sharp
    const pdpr = this.renderer.kind === '2d' && this.cloud().count > 60000 ? Math.min(dpr, 1.25) : dpr;
    if (W !== this.W || H !== this.H || dpr !== this.dpr || pdpr !== this.pdpr) {
      this.W = W; this.H = H; this.dpr = dpr; this.pdpr = pdpr;
      this.renderer.resize(Math.max(1, Math.round(W * pdpr)), Math.max(1, Math.round(H * pdpr)));
      this.overlay.width = Math.max(1, Math.round(W * dpr)); this.overlay.height = Math.max(1, Math.round(H * dpr));
      this.dirtyOverlay = true; this.dirtyPoints = true;
    }
  }
  // data -> CSS pixels inside the plot: X = x*a + bx, Y = -y*a + by (equal aspect on both axes)
  transform() {
    const L = this.cloud().layerInfo(this.method, this.app.slot);
    const b = L.bounds, pad = 14;
    const dx = (b[1] - b[0]) || 1, dy = (b[3] - b[2]) || 1;
    const s = Math.max(1e-12, Math.min((this.W - 2 * pad) / dx, (this.H - 2 * pad) / dy));
    const a = s * this.k, cx = (b[0] + b[1]) / 2, cy = (b[2] + b[3]) / 2;
    return { a, s, cx, cy, bx: this.W / 2 - cx * a + this.tx, by: this.H / 2 + cy * a + this.ty };
  }
  drawPoints() {
    const app = this.app, c = this.cloud();
    const f = this.transform();
    f.W = this.W; f.H = this.H; f.dpr = this.pdpr;
    f.xy = c.xy(this.method, app.slot);
    f.rgb = app.pointColors(c);
    f.lists = app.lists; f.searching = app.searching;
    f.style = pointStyle(c.count, this.k);
    this.renderer.draw(f);
    if (this.renderer.lost) return;
    this.drawn = app.lists.baseLen + app.lists.transLen + app.lists.matchLen;
    this.drawnSlot = app.slot;
    this.resetBtn.hidden = this.k === 1 && this.tx === 0 && this.ty === 0;
  }
  // the visible point nearest to (mx, my) within HOVER_PX, and the points at the same spot
  pick(mx, my) {
    const app = this.app, c = this.cloud(), f = this.transform(), xy = c.xy(this.method, app.slot);
    const grid = c.grid(this.method, app.slot);
    const x = (mx - f.bx) / f.a, y = (f.by - my) / f.a, r = HOVER_PX / f.a;
    const cands = [];
    let bestD = Infinity;
    grid.forEachNear(x, y, r, (i) => {
      if (!app.visible[c.lang[i]]) return;
      const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, d = Math.sqrt(dx * dx + dy * dy) * f.a;
      if (d > HOVER_PX) return;
      cands.push(i, d);
      if (d < bestD) bestD = d;
    });
    if (!cands.length) return { best: -1, also: [] };
    // among (near-)ties prefer the point drawn on top: matches, then translations, then later in the shuffle
    const topRank = (i) => (app.style ? app.style[i] : 0) * c.count + c.rank[i];
    let best = -1;
    for (let k = 0; k < cands.length; k += 2) {
      if (cands[k + 1] <= bestD + TIE_PX && (best < 0 || topRank(cands[k]) > topRank(best))) best = cands[k];
    }
    const bx = xy[2 * best], by = xy[2 * best + 1], also = [];
    for (let k = 0; k < cands.length; k += 2) {
      const i = cands[k];
      if (i !== best && Math.hypot(xy[2 * i] - bx, xy[2 * i + 1] - by) * f.a <= 1) also.push(i);
    }
    return { best, also };
  }
  // the head, x and y labels for the current cloud and layer; `drawn`: points drawn
  updateText(drawn) {
    const c = this.cloud(), slot = this.app.slot, L = c.layerInfo(this.method, slot);
    if (!this.present || !L) { this.meta.textContent = ''; this.xlab.textContent = ''; this.ylab.textContent = ''; return; }
    this.meta.textContent = this.app.layerName(slot) + ' · ' + fmtInt(drawn) + (drawn === c.count ? '' : ' of ' + fmtInt(c.count)) + ' points';
    if (this.method === 'pca') {
      const ev = L.explained_variance_ratio || [];
      this.xlab.textContent = ev.length > 0 ? 'PC1 (' + pct(ev[0], 1) + ')' : 'PC1';
      this.ylab.textContent = ev.length > 1 ? 'PC2 (' + pct(ev[1], 1) + ')' : 'PC2';
    } else {
      this.xlab.textContent = L.kl_divergence != null ? 'KL = ' + Number(L.kl_divergence).toFixed(3) : '';
      this.ylab.textContent = '';
    }
  }
  toScreen(i, f, xy) { return [xy[2 * i] * f.a + f.bx, -xy[2 * i + 1] * f.a + f.by]; }
  // A line through the cloud's path in order (a positions file: position 0, 1, 2, ...), broken where
  // a hidden language leaves points out; returns how many points it went through.
  drawPath(ctx, c, f, xy) {
    let open = false, n = 0;
    ctx.lineWidth = 1; ctx.strokeStyle = 'rgba(40,50,60,0.45)';
    ctx.beginPath();
    for (const i of c.path) {
      if (!this.app.visible[c.lang[i]]) { open = false; continue; }
      const [x, y] = this.toScreen(i, f, xy);
      if (open) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      open = true; n++;
    }
    ctx.stroke();
    return n;
  }

  drawOverlay() {
    const ctx = this.octx, app = this.app, c = this.cloud(), d = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    ctx.setTransform(d, 0, 0, d, 0, 0);
    const f = this.transform(), xy = c.xy(this.method, app.slot), st = pointStyle(c.count, this.k);
    const ring = (i, r, stroke, width, halo) => {
      const [x, y] = this.toScreen(i, f, xy);
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      if (halo) { ctx.strokeStyle = 'rgba(255,255,255,0.95)'; ctx.lineWidth = width + 3; ctx.stroke(); }
      ctx.strokeStyle = stroke; ctx.lineWidth = width; ctx.stroke();
    };
    this.pathPoints = c.path ? this.drawPath(ctx, c, f, xy) : 0;
    const pin = app.pinned;
    if (pin >= 0 && app.visible[c.lang[pin]]) {
      const rel = app.pinnedRelated.filter((j) => app.visible[c.lang[j]]);
      const [px, py] = this.toScreen(pin, f, xy);
      if (c.name === 'sentences' && rel.length <= 400) {
        ctx.lineWidth = 1; ctx.strokeStyle = 'rgba(40,50,60,0.35)';
        ctx.beginPath();
        for (const j of rel) { const [x, y] = this.toScreen(j, f, xy); ctx.moveTo(px, py); ctx.lineTo(x, y); }
        ctx.stroke();
      }
      for (const j of rel) ring(j, st.r + 2.5, app.langCss[c.lang[j]], 1.6, false);
      ring(pin, st.r + 5, '#111827', 2.2, true);
      ctx.beginPath(); ctx.arc(px, py, st.r + 1.2, 0, 2 * Math.PI); ctx.fillStyle = app.langCss[c.lang[pin]]; ctx.fill();
    }
    const hv = app.hover;
    if (hv >= 0 && app.visible[c.lang[hv]]) {
      ring(hv, st.r + 4, '#111827', 1.6, true);
      if (app.hoverPanel !== this) {  // linked brushing: crosshair marks the point in the other panels
        const [x, y] = this.toScreen(hv, f, xy);
        ctx.strokeStyle = 'rgba(17,24,39,0.55)'; ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x - st.r - 12, y); ctx.lineTo(x - st.r - 6, y); ctx.moveTo(x + st.r + 6, y); ctx.lineTo(x + st.r + 12, y);
        ctx.moveTo(x, y - st.r - 12); ctx.lineTo(x, y - st.r - 6); ctx.moveTo(x, y + st.r + 6); ctx.lineTo(x, y + st.r + 12);
        ctx.stroke();
      }
    }
  }
  local(e) {
    const r = this.overlay.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }
  onDown(e) {
    if (e.button !== 0 || !this.live()) return;
    this.overlay.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
  }
  onMove(e) {
    const [mx, my] = this.local(e);
    if (this.drag) {
      const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
      if (!this.drag.moved && Math.hypot(dx, dy) > 3) {
        this.drag.moved = true; this.overlay.classList.add('dragging'); this.app.clearHover();
      }
      if (this.drag.moved) {
        this.tx = this.drag.tx + dx; this.ty = this.drag.ty + dy;
        this.app.invalidate(this, true);
      }
      return;
    }
    this.app.hoverAt(this, mx, my, e.clientX, e.clientY);
  }
  onUp(e) {
    if (!this.drag) return;
    const moved = this.drag.moved;
    this.drag = null;
    this.overlay.classList.remove('dragging');
    if (this.overlay.hasPointerCapture(e.pointerId)) this.overlay.releasePointerCapture(e.pointerId);
    const [mx, my] = this.local(e);
    if (!moved) this.app.pin(this.pick(mx, my).best);
    this.app.hoverAt(this, mx, my, e.clientX, e.clientY);
  }
  onWheel(e) {
    e.preventDefault();
    if (!this.live()) return;
    const [mx, my] = this.local(e);
    const unit = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
    this.zoomAt(mx, my, Math.exp(-e.deltaY * unit * 0.0015));
    this.app.hoverAt(this, mx, my, e.clientX, e.clientY);
  }
  zoomAt(mx, my, factor) {
    const f = this.transform();
    const k = clamp(this.k * factor, 0.25, 2000);
    const x = (mx - f.bx) / f.a, y = (f.by - my) / f.a;   // data point kept under the cursor
    this.k = k;
    const a = f.s * k;
    this.tx = mx - this.W / 2 - (x - f.cx) * a;
    this.ty = my - this.H / 2 + (y - f.cy) * a;
    this.app.invalidate(this, true);
  }
  resetView() {
    this.k = 1; this.tx = 0; this.ty = 0;
    this.app.invalidate(this, true);
  }
}
