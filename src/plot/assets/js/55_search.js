// Search: the box (debounced; Enter searches at once) and the "translations" toggle, the per-point
// styles a query gives (STYLE_MATCH, STYLE_TRANS; see 00_base.js for the semantics) and the draw
// lists that every renderer draws: points of the visible languages in the shuffled order, the
// plain ones first, then translations, then matches.
function installSearch(app) {
  const search = $('search');
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => app.setQuery(search.value), 160);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { clearTimeout(timer); app.setQuery(search.value); }
  });
  $('translations').addEventListener('change', (e) => {
    app.transPref[app.cloud.name] = e.target.checked;
    app.recompute();
  });
}

// style per point (null without a query) and match statistics
function searchStyles(model, c, query, translations) {
  if (!query) return { style: null, stats: null };
  const N = c.count, style = new Uint8Array(N);
  const low = c.lower(), hit = new Uint8Array(low.length);
  for (let s = 0; s < low.length; s++) hit[s] = low[s].includes(query) ? 1 : 0;
  for (let i = 0; i < N; i++) if (hit[c.text[i]]) style[i] = STYLE_MATCH;
  if (c.hasSentences && translations) {
    const src = model.sentences.source, mine = new Uint8Array(model.sentences.count), sources = new Set();
    for (let i = 0; i < N; i++) {
      const s = c.sentence[i];
      if (style[i] === STYLE_MATCH && s >= 0) { mine[s] = 1; sources.add(src[s]); }
    }
    for (let i = 0; i < N; i++) {
      const s = c.sentence[i];
      if (style[i] === 0 && s >= 0 && !mine[s] && sources.has(src[s])) style[i] = STYLE_TRANS;
    }
  }
  return { style, stats: { perLang: new Uint32Array(model.languages.length), match: 0, trans: 0, hiddenMatch: 0 } };
}

// the draw lists in the shuffled order, over the visible languages; fills in `stats`
function drawLists(c, style, stats, visible) {
  const N = c.count, lang = c.lang, order = c.order;
  const base = new Uint32Array(N), trans = new Uint32Array(style ? N : 0), match = new Uint32Array(style ? N : 0);
  let nb = 0, nt = 0, nm = 0;
  for (let k = 0; k < N; k++) {
    const i = order[k], l = lang[i];
    const st = style ? style[i] : 0;
    if (st === STYLE_MATCH) stats.perLang[l]++;
    if (!visible[l]) { if (st === STYLE_MATCH) stats.hiddenMatch++; continue; }
    if (st === STYLE_MATCH) match[nm++] = i;
    else if (st === STYLE_TRANS) trans[nt++] = i;
    else base[nb++] = i;
  }
  if (stats) { stats.match = nm; stats.trans = nt; }
  return { base, baseLen: nb, trans, transLen: nt, match, matchLen: nm };
}

function renderSearchCount(el, st) {
  el.textContent = '';
  if (!st) return;
  if (!st.match && !st.hiddenMatch) { el.textContent = 'no match'; return; }
  el.append(h('b', { text: fmtInt(st.match) }), st.match === 1 ? ' match' : ' matches');
  if (st.trans) el.append(' · ', h('b', { text: fmtInt(st.trans) }), ' translations');
  if (st.hiddenMatch) el.append(' (+' + fmtInt(st.hiddenMatch) + ' hidden)');
}
