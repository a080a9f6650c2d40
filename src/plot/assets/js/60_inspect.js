// What the viewer says about points: the tooltip of the hovered point (its element is shared with
// the heatmaps' cells, 70_heatmap.js) and the info box of the pinned point, with its sentence and
// that sentence's translations.

// a language's swatch and code
function langChip(app, l) {
  return [h('span', { class: 'sw', style: 'background:' + app.langCss[l] + ';border-color:' + app.langCss[l] }),
    h('span', { class: 'mono', text: app.model.languages[l] })];
}

// sentence text with the token's first occurrence marked (subword markers stripped for matching)
function highlighted(sentence, token) {
  const t = String(token).replace(/^(▁|##|Ġ|Ċ)+/, '').trim();
  const k = t ? sentence.toLowerCase().indexOf(t.toLowerCase()) : -1;
  if (k < 0) return [sentence];
  return [sentence.slice(0, k), h('mark', { text: sentence.slice(k, k + t.length) }), sentence.slice(k + t.length)];
}

class Tooltip {
  constructor(app) {
    this.app = app;
    this.el = $('tooltip');
    this.key = -1;  // what the element shows now; its content is rebuilt only when this changes
  }
  hide() { this.el.hidden = true; this.key = -1; }
  // shows the content `build(el)` makes for `key` next to client position (cx, cy)
  show(key, build, cx, cy) {
    const tt = this.el;
    if (this.key !== key) {
      this.key = key;
      tt.textContent = '';
      build(tt);
    }
    tt.hidden = false;
    const w = tt.offsetWidth, hh = tt.offsetHeight, pad = 14;
    let x = cx + pad, y = cy + pad;
    if (x + w > window.innerWidth - 4) x = Math.max(4, cx - pad - w);
    if (y + hh > window.innerHeight - 4) y = Math.max(4, cy - pad - hh);
    tt.style.left = x + 'px'; tt.style.top = y + 'px';
  }
  // point i of the current cloud; `also`: other points at the same spot
  showPoint(i, also, cx, cy) {
    const app = this.app, c = app.cloud, key = i + ':' + also.length + ':' + c.name;
    this.show(key, (tt) => {
      // text nodes between the blocks keep textContent readable (tests and screen readers use it)
      tt.append(h('div', { class: 'tt-text', dir: 'auto', text: c.textOf(i) }), ' ');
      const meta = h('div', { class: 'tt-meta' }, langChip(app, c.lang[i]));
      meta.append(' ', h('span', { text: kindOf(c) + ' #' + i }));
      if (c.occurrences) meta.append(' ', h('span', { text: '· ' + fmtInt(c.occurrences[i]) + (c.occurrences[i] === 1 ? ' occurrence' : ' occurrences') }));
      tt.append(meta, ' ');
      const s = c.sentenceOf(i);
      if (c.name !== 'sentences' && s >= 0) tt.append(h('div', { class: 'tt-sent', dir: 'auto' }, highlighted(app.model.sentences.text[s], c.textOf(i))), ' ');
      if (also.length) {
        const shown = also.slice(0, 4).map((j) => c.textOf(j) + ' (' + app.model.languages[c.lang[j]] + ')');
        tt.append(h('div', { class: 'tt-more', text: 'also here: ' + shown.join(', ') + (also.length > 4 ? ' and ' + (also.length - 4) + ' more' : '') }));
      }
    }, cx, cy);
  }
}

class InfoBox {
  constructor(app) {
    this.app = app;
    this.box = $('info');
  }
  render() {
    const app = this.app, box = this.box, c = app.cloud, i = app.pinned, m = app.model;
    box.textContent = '';
    if (i < 0) {
      box.append(h('div', { class: 'info-empty', text: 'Click a point to pin it: its full text, its sentence and the sentence\'s translations appear here, and the translations are marked in both panels.' }));
      return;
    }
    const close = h('button', { type: 'button', class: 'info-close', title: 'Unpin (Esc)', text: '×' });
    close.addEventListener('click', () => app.pin(-1));
    box.append(h('div', { class: 'info-head' }, langChip(app, c.lang[i]).concat([h('span', { text: kindOf(c) + ' #' + i }), h('span', { class: 'grow' }), close])));
    box.append(h('div', { class: 'info-text', dir: 'auto', text: c.textOf(i) }));
    if (c.occurrences) box.append(h('div', { text: fmtInt(c.occurrences[i]) + ' occurrences averaged' }));
    const s = c.sentenceOf(i);
    if (s < 0) return;
    if (c.name !== 'sentences') {
      box.append(h('div', { class: 'info-sub', text: 'Sentence' }));
      box.append(h('div', { class: 'info-sent', dir: 'auto' }, highlighted(m.sentences.text[s], c.textOf(i))));
    }
    const others = (sentencesBySource(m).get(m.sentences.source[s]) || []).filter((t) => t !== s);
    box.append(h('div', { class: 'info-sub', text: 'Translations (' + others.length + ') · source index ' + m.sentences.source[s] }));
    const ul = h('ul');
    others.sort((a, b) => m.sentences.lang[a] - m.sentences.lang[b]);
    for (const t of others) {
      const p = c.name === 'sentences' ? c.pointOfSentence(t) : -1;
      const li = h('li', { class: p >= 0 ? 'pickable' : null, title: p >= 0 ? 'Pin this translation' : null }, [
        h('span', { class: 'sw', style: 'background:' + app.langCss[m.sentences.lang[t]] }),
        h('span', { class: 'l', text: m.languages[m.sentences.lang[t]] }),
        h('span', { class: 't', dir: 'auto', text: m.sentences.text[t] })]);
      if (p >= 0) li.addEventListener('click', () => app.pin(p));
      ul.append(li);
    }
    box.append(ul);
  }
}
