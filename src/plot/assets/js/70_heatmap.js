// Attention heatmaps (payload "attention", AttentionData in 10_data.js). Pinning a sentence, or a
// token (its sentence), opens the panel beside the projections: the sentence's map at the current
// layer first, then the maps of its translations (same source_index) in language order, each a
// canvas with one cell per (query, key) pair (row = query token, labelled on the left; column = key
// token, labelled below, rotated), all on one colour scale (viridis, 0 to the largest weight
// shown, as in the static figures of --attention-figures). Hovering a cell shows
// "query → key: weight". Slider slot L shows transformer layer L (the layer that produced hidden
// state L); slot 0, the embeddings, has no attention and shows the first layer's maps, labelled so.
const VIRIDIS = [0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725];
const HEAT_MIN_CELL = 8, HEAT_MAX_CELL = 24;  // CSS pixels per cell

// [r, g, b] (0..255) of t in [0, 1] on viridis: linear between the stops, as heat_colour() in C++
function heatColour(t) {
  const x = clamp(t, 0, 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2), f = x - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  const mix = (s) => Math.round(((a >> s) & 255) + f * (((b >> s) & 255) - ((a >> s) & 255)));
  return [mix(16), mix(8), mix(0)];
}

function weightText(w) { return w >= 0.001 || w === 0 ? w.toFixed(4) : w.toExponential(2); }

class AttentionView {
  constructor(app) {
    this.app = app;
    this.att = app.model.attention;
    this.root = $('panel-attention');
    this.body = $('attention-body');
    this.meta = $('attention-meta');
    this.scale = $('attention-scale');
    this.sentence = -1; this.blocks = []; this.note = ''; this.cell = 0; this.li = -1; this.vmax = 1;
    this.hot = null;  // the hovered cell: {block, i, j, cx, cy}
    if (!this.att) return;
    this.root.querySelector('.att-close').addEventListener('click', () => app.pin(-1));
    new ResizeObserver(() => { if (this.sentence >= 0 && this.fitCell() !== this.cell) this.layout(); }).observe(this.root);
  }

  // opens the panel for sentence s (index into the sentence table); s < 0 closes it
  show(s) {
    if (!this.att) return;
    this.hideHover();
    this.sentence = s;
    this.root.hidden = s < 0;
    this.root.parentElement.classList.toggle('with-attention', s >= 0);
    this.body.textContent = ''; this.blocks = [];
    if (s < 0) return;
    const m = this.app.model, att = this.att, src = m.sentences.source[s];
    const others = (sentencesBySource(m).get(src) || []).filter((t) => t !== s && att.mapOf(t) >= 0);
    others.sort((a, b) => m.sentences.lang[a] - m.sentences.lang[b]);
    const shown = (att.mapOf(s) >= 0 ? [s] : []).concat(others);
    this.note = att.mapOf(s) >= 0 ? '' : this.missingNote(src, shown.length);
    if (this.note) this.body.append(h('div', { class: 'att-note', text: this.note }));
    for (const t of shown) this.blocks.push(this.block(t, t === s));
    const wrap = h('div', { class: 'att-maps' }, this.blocks.map((b) => b.el));
    this.body.append(wrap);
    this.layout();
  }

  missingNote(src, translations) {
    const att = this.att;
    let text = att.omitted.has(src)
      ? 'The attention map of this sentence is in the file but was left out of this report, which keeps ' + fmtInt(att.count) + ' of ' +
        fmtInt(att.fileMaps) + ' maps, whole translation groups spread over the file (polyrep plot --max-attention-maps ' + att.maxMaps + '; raise it to see more).'
      : 'No attention map is stored for this sentence: polyrep extract --attention mean --attention-sentences N keeps the maps of the first N ' +
        'sentences of each language (N = 0: of all).';
    if (translations) text += ' Shown: the maps of its translations.';
    return text;
  }

  // one heatmap's DOM: title, row labels, canvas (with a cell cursor), column labels
  block(s, pinned) {
    const app = this.app, m = app.model, k = this.att.mapOf(s), tokens = this.att.tokens[k], T = tokens.length;
    const l = m.sentences.lang[s];
    const label = (text) => h('span', { class: 'hm-label', dir: 'auto', title: text, text });
    const rows = h('div', { class: 'hm-rows' }, tokens.map(label));
    const cols = h('div', { class: 'hm-cols' }, tokens.map(label));
    const canvas = h('canvas', { class: 'hm-canvas', 'aria-label': 'attention map of ' + m.languages[l] + ', ' + T + ' tokens' });
    const cursor = h('div', { class: 'hm-cursor', hidden: true });
    const plot = h('div', { class: 'hm-plot' }, [canvas, cursor]);
    const title = h('div', { class: 'hm-title' }, langChip(app, l).concat([
      h('span', { class: 'hm-size', text: '· ' + T + (T === 1 ? ' token' : ' tokens') + (pinned ? ' · pinned' : '') })]));
    const el = h('div', { class: 'hm', 'data-lang': m.languages[l], 'data-sentence': s, 'data-size': T }, [
      title, h('div', { class: 'hm-grid' }, [h('div', { class: 'hm-axis', text: 'query ↓ · key →' }), rows, plot, h('div'), cols])]);
    const b = { el, k, s, T, tokens, lang: l, canvas, cursor, rows, cols };
    canvas.addEventListener('mousemove', (e) => this.hover(b, e.clientX, e.clientY));
    canvas.addEventListener('mouseleave', () => this.hideHover());
    return b;
  }

  // CSS pixels per cell: the longest sentence fills the panel's width, within the cell limits
  fitCell() {
    let longest = 1;
    for (const b of this.blocks) longest = Math.max(longest, b.T);
    const avail = this.body.clientWidth - 130;  // row labels and padding
    return clamp(Math.floor(avail / longest), HEAT_MIN_CELL, HEAT_MAX_CELL);
  }

  layout() {
    const cell = this.cell = this.fitCell(), dpr = window.devicePixelRatio || 1;
    const font = clamp(cell - 1, 7, 12) + 'px';
    for (const b of this.blocks) {
      const side = b.T * cell;
      b.canvas.style.width = side + 'px'; b.canvas.style.height = side + 'px';
      b.canvas.width = Math.max(1, Math.round(side * dpr)); b.canvas.height = Math.max(1, Math.round(side * dpr));
      b.rows.style.height = side + 'px'; b.cols.style.width = side + 'px';
      for (const e of b.rows.children) { e.style.height = cell + 'px'; e.style.lineHeight = cell + 'px'; e.style.fontSize = font; }
      for (const e of b.cols.children) { e.style.width = cell + 'px'; e.style.lineHeight = cell + 'px'; e.style.fontSize = font; }
    }
    this.draw();
  }

  setSlot() { if (this.sentence >= 0) this.draw(); }

  // paints every heatmap at the current layer on the shared scale, and the header and colour bar
  draw() {
    const app = this.app, att = this.att, hidden = app.model.layers[app.slot];
    const li = this.li = att.layerIndex(hidden);
    this.meta.textContent = li < 0 ? 'no attention for ' + app.layerName(app.slot)
      : 'layer ' + att.layers[li] + (hidden === 0 ? ' (the embeddings have no attention: the first layer\'s, which attends over them)' : '');
    this.scale.hidden = li < 0 || !this.blocks.length;
    if (li < 0 || !this.blocks.length) return;
    let top = 0;
    for (const b of this.blocks) { const q = att.weights(b.k, li); for (let i = 0; i < q.length; i++) if (q[i] > top) top = q[i]; }
    this.vmax = top > 0 ? top / 65535 : 1;
    for (const b of this.blocks) this.paint(b, att.weights(b.k, li));
    this.drawScale();
    if (this.hot) this.hover(this.hot.block, this.hot.cx, this.hot.cy);
  }

  paint(b, q) {
    const ctx = b.canvas.getContext('2d'), T = b.T, c = b.canvas.width / T, scale = 1 / (65535 * this.vmax);
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        ctx.fillStyle = css(heatColour(q[i * T + j] * scale));
        const x0 = Math.round(j * c), y0 = Math.round(i * c);
        ctx.fillRect(x0, y0, Math.round((j + 1) * c) - x0, Math.round((i + 1) * c) - y0);
      }
    }
  }

  drawScale() {
    const stops = VIRIDIS.map((v, i) => '#' + v.toString(16).padStart(6, '0') + ' ' + (100 * i / (VIRIDIS.length - 1)).toFixed(0) + '%');
    this.scale.textContent = '';
    this.scale.append(h('span', { text: '0' }), h('span', { class: 'att-bar', style: 'background:linear-gradient(to right,' + stops.join(',') + ')' }),
      h('span', { text: weightText(this.vmax) }), h('span', { class: 'att-scale-note', text: 'head-averaged weight · one scale for all maps shown' }));
  }

  hover(b, cx, cy) {
    const r = b.canvas.getBoundingClientRect(), T = b.T;
    const j = Math.floor((cx - r.left) / r.width * T), i = Math.floor((cy - r.top) / r.height * T);
    if (!(i >= 0 && j >= 0 && i < T && j < T) || this.li < 0) { this.hideHover(); return; }
    this.markLabels(this.hot, false);
    this.hot = { block: b, i, j, cx, cy };
    this.markLabels(this.hot, true);
    const cell = r.width / T;
    b.cursor.hidden = false;
    b.cursor.style.cssText = 'left:' + j * cell + 'px;top:' + i * cell + 'px;width:' + cell + 'px;height:' + cell + 'px';
    const w = this.att.weights(b.k, this.li)[i * T + j] / 65535, layer = this.att.layers[this.li];
    this.app.tips.show('hm:' + b.k + ':' + i + ':' + j + ':' + this.li, (tt) => {
      tt.append(h('div', { class: 'tt-text', dir: 'auto', text: b.tokens[i] + ' → ' + b.tokens[j] + ': ' + weightText(w) }), ' ');
      const meta = h('div', { class: 'tt-meta' }, langChip(this.app, b.lang));
      meta.append(' ', h('span', { text: 'query #' + i + ' → key #' + j + ' · layer ' + layer }));
      tt.append(meta);
    }, cx, cy);
  }

  markLabels(hot, on) {
    if (!hot) return;
    const rows = hot.block.rows.children, cols = hot.block.cols.children;
    if (rows[hot.i]) rows[hot.i].classList.toggle('hot', on);
    if (cols[hot.j]) cols[hot.j].classList.toggle('hot', on);
  }

  hideHover() {
    if (!this.hot) return;
    this.markLabels(this.hot, false);
    this.hot.block.cursor.hidden = true;
    this.hot = null;
    this.app.tips.hide();
  }

  // for the test hook
  state() {
    if (!this.att || this.sentence < 0) return null;
    const m = this.app.model;
    return { sentence: this.sentence, layer: this.li >= 0 ? this.att.layers[this.li] : null, vmax: this.vmax, note: this.note, cell: this.cell,
      maps: this.blocks.map((b) => ({ sentence: b.s, lang: m.languages[b.lang], size: b.T })) };
  }
}
