// Line charts of the explained variance (PCA) and the t-SNE KL divergence per layer; a click picks a layer.
function lineChart(svg, o) {
  svg.textContent = '';
  const W = svg._w || svg.clientWidth || 300, H = svg._h || svg.clientHeight || 110;  // _w, _h: from a ResizeObserver
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const m = { l: 38, r: 12, t: 20, b: 17 }, iw = Math.max(10, W - m.l - m.r), ih = Math.max(10, H - m.t - m.b);
  const n = o.labels.length;
  const X = (i) => m.l + (n > 1 ? (i * iw) / (n - 1) : iw / 2);
  const Y = (v) => m.t + ih - (clamp(v, o.yMin, o.yMax) - o.yMin) / (o.yMax - o.yMin) * ih;
  svg._pick = (clientX) => {
    const r = svg.getBoundingClientRect();
    return clamp(Math.round(((clientX - r.left - m.l) / iw) * (n - 1)), 0, n - 1);
  };
  for (let t = 0; t <= 2; t++) {
    const v = o.yMin + (o.yMax - o.yMin) * t / 2;
    svg.append(svgEl('line', { class: 'grid', x1: m.l, x2: m.l + iw, y1: Y(v), y2: Y(v) }));
    svg.append(svgEl('text', { class: 'axis-text', x: m.l - 5, y: Y(v) + 3, 'text-anchor': 'end' }, o.fmt(v)));
  }
  const step = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(iw / 34))));
  for (let i = 0; i < n; i += step) {
    svg.append(svgEl('text', { class: 'axis-text', x: X(i), y: H - 4, 'text-anchor': 'middle' }, o.labels[i]));
  }
  svg.append(svgEl('line', { class: 'cur-line', x1: X(o.slot), x2: X(o.slot), y1: m.t - 2, y2: m.t + ih }));
  let lx = m.l;
  o.series.forEach((s) => {
    const pts = [];
    s.values.forEach((v, i) => { if (v != null && isFinite(v)) pts.push(X(i).toFixed(1) + ',' + Y(v).toFixed(1)); });
    if (pts.length) svg.append(svgEl('polyline', { points: pts.join(' '), fill: 'none', stroke: s.color, 'stroke-width': 1.8, 'stroke-linejoin': 'round' }));
    s.values.forEach((v, i) => {
      if (v == null || !isFinite(v)) return;
      const dot = svgEl('circle', { cx: X(i), cy: Y(v), r: i === o.slot ? 4 : 2.2, fill: i === o.slot ? s.color : '#fff', stroke: s.color, 'stroke-width': 1.4 });
      dot.append(svgEl('title', {}, s.name + ', ' + o.labels[i] + ': ' + o.fmtLong(v)));
      svg.append(dot);
    });
    const cur = s.values[o.slot];
    svg.append(svgEl('line', { x1: lx, x2: lx + 14, y1: 8, y2: 8, stroke: s.color, 'stroke-width': 2 }));
    const t = svgEl('text', { x: lx + 18, y: 11.5, fill: '#3a434d' }, s.name + (cur != null && isFinite(cur) ? ' ' + o.fmtLong(cur) : ''));
    svg.append(t);
    lx += 28 + (s.name.length + 8) * 5.6;
  });
}

// per layer slot, cloud c's explained variance: PC1+PC2 and all stored components (null where missing)
function varianceValues(m, c) {
  const pca = c.views.get('pca');
  const ev = m.layers.map((_, s) => (pca.layers[s] && pca.layers[s].explained_variance_ratio) || []);
  return { two: ev.map((r) => (r.length ? (r[0] || 0) + (r[1] || 0) : null)),
    all: ev.map((r) => (r.length ? r.reduce((a, b) => a + b, 0) : null)), K: Math.max(0, ...ev.map((r) => r.length)) };
}

// per layer slot, cloud c's t-SNE KL divergence (null where missing)
function klValues(m, c) {
  const tsne = c.views.get('tsne');
  return m.layers.map((_, s) => (tsne.layers[s] && tsne.layers[s].kl_divergence != null ? Number(tsne.layers[s].kl_divergence) : null));
}

// the explained-variance and KL charts of `cloud`, the current layer slot marked (a compare report:
// both files' series, compareSeries in 75_compare.js)
function renderCharts(m, c, slot) {
  const labels = m.layers.map((l) => (l === 0 ? 'emb' : String(l)));
  const pca = c.views.get('pca'), tsne = c.views.get('tsne');
  const vbox = $('variance');
  if (pca) {
    const v = varianceValues(m, c);
    const series = m.compare ? compareSeries(m, c, 'pca') : [{ name: 'PC1+PC2', values: v.two, color: '#2563eb' }]
      .concat(v.K > 2 ? [{ name: 'all ' + v.K + ' PCs', values: v.all, color: '#9ca3af' }] : []);
    const top = Math.max(0.05, ...v.all.filter((x) => x != null), ...[].concat(...series.map((s) => s.values)).filter((x) => x != null));
    lineChart(vbox, { labels, slot, yMin: 0, yMax: Math.min(1, Math.ceil(top * 10 + 1e-9) / 10),
      fmt: (x) => pct(x, 0), fmtLong: (x) => pct(x, 1), series });
  } else {
    vbox.textContent = ''; vbox._pick = null;
    vbox.append(svgEl('text', { class: 'empty-text', x: 10, y: 30 }, 'No PCA in this file.'));
  }
  $('kl-box').hidden = !tsne;
  if (tsne) {
    const series = m.compare ? compareSeries(m, c, 'tsne') : [{ name: 'KL', values: klValues(m, c), color: '#d9480f' }];
    const vals = [].concat(...series.map((s) => s.values)).filter((x) => x != null);
    const hi = vals.length ? Math.max(...vals) : 1;
    lineChart($('kl'), { labels, slot, yMin: 0, yMax: hi > 0 ? hi * 1.1 : 1,
      fmt: (x) => x.toFixed(hi * 1.1 >= 10 ? 0 : 1), fmtLong: (x) => x.toFixed(3), series });
  }
}
