// Compare reports (`polyrep plot A.h5 --compare B.h5`, payload "compare" in PAYLOAD.md): the second
// file's layouts of the same clouds in panels of their own beside the first file's, one row per view
// (PCA, then t-SNE), A left and B right, each titled with its label; one layer slider drives all.
// B's clouds are A's points (languages, texts, sentences, draw order: point i is the same sentence
// or token in both files) with B's views, so the app's draw lists, search styles, legend, hover and
// pin apply to every panel at once: hovering a point in one panel marks it in all four. A bar above
// the panels shows, per layer, the linear CKA of the two files' mean-pooled sentence vectors (over
// all the files' sentences, computed by polyrep from the stored hidden states: src/plot/cka.cpp);
// clicking a layer's value selects that layer.

// the payload's "compare" object, checked against the clouds it extends
function loadCompare(raw, model) {
  const labels = (raw.labels || []).map(String);
  if (labels.length !== 2) throw new Error('compare: expected two labels');
  const clouds = new Map();
  for (const rc of raw.clouds || []) {
    const a = model.clouds.find((c) => c.name === String(rc.name));
    if (!a) throw new Error('compare: cloud ' + rc.name + ' is not one of the report\'s clouds');
    if ((rc.count | 0) !== a.count) throw new Error('compare: cloud ' + a.name + ' has ' + rc.count + ' points, expected ' + a.count);
    clouds.set(a, secondCloud(a, rc));
  }
  for (const a of model.clouds) if (!clouds.has(a)) throw new Error('compare: no second layout of cloud ' + a.name);
  const rawCka = raw.cka && Array.isArray(raw.cka.sentences) ? raw.cka : null;
  const cka = rawCka ? rawCka.sentences.map((v) => (v == null ? null : Number(v))) : null;
  if (cka && cka.length !== model.layers.length) throw new Error('compare: expected one CKA value per layer');
  return { labels, files: Array.isArray(raw.files) ? raw.files : [], clouds, cka, ckaRows: rawCka ? Number(rawCka.rows) || 0 : 0 };
}

// B's cloud: A's cloud as prototype (points, texts, order) with B's views and layout caches
function secondCloud(a, raw) {
  const b = Object.create(a);
  b.views = new Map();
  for (const v of raw.views || []) {
    if (v && METHOD_NAME[v.method] && Array.isArray(v.layers)) b.views.set(v.method, { method: v.method, layers: v.layers, xy: [], grid: [] });
  }
  return b;
}

const ckaText = (v) => (v == null || !isFinite(v) ? '–' : v.toFixed(4));
const shortLabel = (s) => (s.length > 16 ? s.slice(0, 15) + '…' : s);

// both files' series of a chart (40_charts.js): 'pca' (PC1+PC2) or 'tsne' (KL)
function compareSeries(m, c, kind) {
  const cmp = m.compare, colors = kind === 'pca' ? ['#2563eb', '#7c3aed'] : ['#d9480f', '#0f766e'];
  return [c, cmp.clouds.get(c)].map((x, side) => ({
    name: shortLabel(cmp.labels[side]), color: colors[side],
    values: !x.views.has(kind) ? m.layers.map(() => null) : kind === 'pca' ? varianceValues(m, x).two : klValues(m, x) }));
}

class CompareView {
  constructor(app) {
    this.app = app;
    const cmp = this.data = app.model.compare;
    const plots = document.querySelector('.plots');
    plots.classList.add('compare');
    plots.parentElement.classList.add('compare');
    this.bar = h('div', { class: 'compare-bar', id: 'compare-bar' });
    plots.prepend(this.bar);
    for (const m of METHODS) {
      const a = $('panel-' + m), b = a.cloneNode(true);
      b.id = 'panel-' + m + '-b';
      a.after(b);
      this.title(a, m, 0);
      this.title(b, m, 1);
      app.panels.push(new Panel(app, m, { root: b, side: 1, cloud: () => cmp.clouds.get(app.cloud) }));
    }
    this.chips = this.buildBar();
    $('variance-box').querySelector('figcaption').textContent = 'Explained variance of PC1+PC2 by layer';
  }
  // "PCA · label", the file (source, model, adapters) in its tooltip
  title(root, m, side) {
    const h2 = root.querySelector('h2'), f = this.data.files[side] || {}, label = this.data.labels[side];
    root.dataset.side = String(side);
    h2.textContent = METHOD_NAME[m] + ' · ';
    h2.append(h('span', { class: 'cmp-label', text: label }));
    h2.title = label + ': ' + [f.source, f.model].concat(f.adapters || []).filter(Boolean).join(' · ');
  }
  buildBar() {
    const d = this.data, m = this.app.model, bar = this.bar;
    const what = 'linear CKA between ' + d.labels[0] + '\'s and ' + d.labels[1] + '\'s mean-pooled sentence vectors' +
      (d.ckaRows ? ' (all ' + fmtInt(d.ckaRows) + ' sentences of the files)' : '') + ' at each layer: 1 = the same geometry, lower = more moved';
    if (!d.cka) {
      bar.append(h('span', { class: 'cka-none', text: 'No sentence CKA: a file has no mean-pooled sentence vectors (extract --pooling mean).' }));
      return [];
    }
    bar.append(h('span', { class: 'cka-title', title: what, text: 'Sentence CKA ' + shortLabel(d.labels[0]) + ' ↔ ' + shortLabel(d.labels[1]) }));
    return d.cka.map((v, slot) => {
      const chip = h('button', { type: 'button', class: 'cka-chip', 'data-slot': slot, title: this.app.layerName(slot) + ': ' + what },
        [h('span', { class: 'cka-layer', text: m.layers[slot] === 0 ? 'emb' : String(m.layers[slot]) }), h('span', { class: 'cka-value', text: ckaText(v) })]);
      chip.addEventListener('click', () => this.app.setLayer(slot));
      bar.append(chip);
      return chip;
    });
  }
  setSlot(slot) { this.chips.forEach((c, s) => c.classList.toggle('cur', s === slot)); }
  missingNote(method) {
    return 'No ' + METHOD_NAME[method] + ' layout of this cloud in both files' + (method === 'tsne' ? ' (run polyrep reduce --tsne on both).' : '.');
  }
}
