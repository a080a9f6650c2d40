// The language legend: a swatch, name and point count per language; click shows/hides a language,
// shift- or alt-click (or "only") shows only it; a filter box when there are many languages. The
// visibility itself is the app's (app.visible, app.setVisible, app.isolate).
class Legend {
  constructor(app) {
    this.app = app;
    const root = $('legend'), langs = app.model.languages;
    root.textContent = '';
    const btn = (text, title, fn) => {
      const b = h('button', { type: 'button', class: 'lg-btn', title, text });
      b.addEventListener('click', fn);
      return b;
    };
    this.summary = h('div', { class: 'lg-summary' });
    root.append(h('div', { class: 'lg-head' }, [h('span', { class: 'lg-title', text: 'Languages' }),
      btn('All', 'Show all languages', () => app.setVisible(null, 1)),
      btn('None', 'Hide all languages', () => app.setVisible(null, 0))]), this.summary);
    const list = h('div', { class: 'lg-list', role: 'list' });
    if (langs.length > 12) {
      const filter = h('input', { type: 'search', class: 'lg-filter', placeholder: 'Filter ' + langs.length + ' languages', 'aria-label': 'Filter languages' });
      filter.addEventListener('input', () => {
        const q = filter.value.trim().toLowerCase();
        this.items.forEach((it, l) => { it.el.hidden = q !== '' && !langs[l].toLowerCase().includes(q); });
      });
      root.append(filter);
    }
    this.items = langs.map((name, l) => {
      const sw = h('span', { class: 'sw', style: 'background:' + app.langCss[l] + ';border-color:' + app.langCss[l] });
      const count = h('span', { class: 'lg-count' });
      const only = h('button', { type: 'button', class: 'lg-only', title: 'Show only ' + name, text: 'only' });
      const el = h('div', { class: 'lg-item', 'data-lang': name, 'data-idx': l, role: 'checkbox', tabindex: 0, 'aria-checked': 'true',
        title: name + ' — click: show/hide · shift- or alt-click: only this' },
      [sw, h('span', { class: 'lg-name', text: name }), count, only]);
      list.append(el);
      return { el, count };
    });
    list.addEventListener('click', (e) => {
      const item = e.target.closest('.lg-item');
      if (!item) return;
      const l = Number(item.dataset.idx);
      if (e.target.closest('.lg-only') || e.shiftKey || e.altKey) app.isolate(l);
      else app.setVisible(l, app.visible[l] ? 0 : 1);
    });
    list.addEventListener('keydown', (e) => {
      const item = e.target.closest('.lg-item');
      if (!item || (e.key !== ' ' && e.key !== 'Enter') || e.target !== item) return;
      e.preventDefault();
      const l = Number(item.dataset.idx);
      if (e.shiftKey || e.altKey) app.isolate(l); else app.setVisible(l, app.visible[l] ? 0 : 1);
    });
    root.append(list, h('div', { class: 'lg-hint', text: 'click: show/hide · shift-click: only this' }));
  }

  // counts of the current cloud (matches / all while searching), on/off state, the summary line
  update() {
    const app = this.app, c = app.cloud, st = app.matchStats, visible = app.visible;
    let shown = 0;
    this.items.forEach((it, l) => {
      const n = c.langCount[l], on = !!visible[l];
      if (on) shown++;
      it.el.classList.toggle('off', !on);
      it.el.classList.toggle('empty', n === 0);
      it.el.setAttribute('aria-checked', on ? 'true' : 'false');
      it.count.textContent = '';
      if (st) it.count.append(h('b', { text: fmtInt(st.perLang[l]) }), ' / ');
      it.count.append(fmtInt(n));
    });
    const pts = app.lists ? app.lists.baseLen + app.lists.transLen + app.lists.matchLen : 0;
    this.summary.textContent = (shown === visible.length ? 'all ' + shown + ' shown' : shown + ' of ' + visible.length + ' shown') +
      ' · ' + fmtInt(pts) + ' points';
  }
}
