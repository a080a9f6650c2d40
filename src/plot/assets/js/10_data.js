// Payload decoding (PAYLOAD.md): typed arrays from base64, the sentence table, the clouds with their
// lazily dequantised layouts, a uniform grid for hover lookups, and the attention maps.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// base64 of a little-endian array -> typed array (copied once into its own aligned buffer)
function decode(b64, T, what) {
  if (typeof b64 !== 'string') throw new Error(what + ': missing array');
  const bin = atob(b64);
  const n = bin.length, w = T.BYTES_PER_ELEMENT;
  if (n % w) throw new Error(what + ': byte length ' + n + ' is not a multiple of ' + w);
  const u8 = new Uint8Array(n);
  for (let i = 0; i < n; i++) u8[i] = bin.charCodeAt(i);
  if (!LITTLE_ENDIAN && w > 1) {
    for (let i = 0; i < n; i += w) u8.subarray(i, i + w).reverse();
  }
  return new T(u8.buffer);
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffledOrder(n, seed) {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

// ------------------------------------------------------------------ palette
// Colours come with the data ("colors", one "#rrggbb" per language) so that the report, the static
// figures and the Vega-Lite specs agree; they are made by polyrep's palette (src/plot/palette.cpp).
function parseColors(hex, n) {
  if (!Array.isArray(hex) || hex.length !== n) throw new Error('colors: expected one colour per language');
  return hex.map((h) => {
    if (!/^#[0-9a-fA-F]{6}$/.test(h)) throw new Error('colors: "' + h + '" is not #rrggbb');
    const x = parseInt(h.slice(1), 16);
    return [(x >> 16) & 255, (x >> 8) & 255, x & 255];
  });
}
// ------------------------------------------------------------------ data model
function loadPayload(data) {
  if (!data || typeof data !== 'object') throw new Error('the payload is not an object');
  if (data.format !== 'polyrep-report/1') throw new Error('unknown format "' + data.format + '" (expected polyrep-report/1)');
  const languages = (data.languages || []).map(String);
  const layers = (data.layers || []).map(Number);
  if (!languages.length) throw new Error('no languages');
  if (!layers.length) throw new Error('no layers');
  const st = data.sentences || { count: 0, text: [] };
  const sentences = {
    count: st.count | 0,
    lang: st.count ? decode(st.lang, Uint16Array, 'sentences.lang') : new Uint16Array(0),
    source: st.count ? decode(st.source_index, Int32Array, 'sentences.source_index') : new Int32Array(0),
    text: st.text || []
  };
  if (sentences.lang.length !== sentences.count || sentences.source.length !== sentences.count || sentences.text.length !== sentences.count) {
    throw new Error('sentences: arrays do not have count = ' + sentences.count + ' entries');
  }
  const colors = parseColors(data.colors, languages.length);
  const model = { data, languages, colors, layers, sentences, clouds: [], bySource: null };
  for (const raw of data.clouds || []) model.clouds.push(new Cloud(raw, model));
  if (!model.clouds.length) throw new Error('no clouds');
  model.attention = data.attention ? new AttentionData(data.attention, model) : null;
  model.compare = data.compare ? loadCompare(data.compare, model) : null;  // 75_compare.js
  return model;
}

// other sentences with the same source_index, per source (built on first use)
function sentencesBySource(model) {
  if (!model.bySource) {
    const m = new Map(), src = model.sentences.source;
    for (let s = 0; s < model.sentences.count; s++) {
      const list = m.get(src[s]);
      if (list) list.push(s); else m.set(src[s], [s]);
    }
    model.bySource = m;
  }
  return model.bySource;
}

class Cloud {
  constructor(raw, model) {
    this.model = model;
    this.name = String(raw.name);
    this.label = raw.label || this.name;
    const N = this.count = raw.count | 0;
    const what = 'cloud ' + this.name;
    this.lang = decode(raw.lang, Uint16Array, what + '.lang');
    this.text = decode(raw.text, Uint32Array, what + '.text');
    this.strings = (raw.strings || []).map(String);
    this.sentence = raw.sentence ? decode(raw.sentence, Int32Array, what + '.sentence') : null;
    this.occurrences = raw.occurrences ? decode(raw.occurrences, Uint32Array, what + '.occurrences') : null;
    // points joined in order by a line (a positions file of `polyrep embeddings`), or null
    this.path = raw.path ? decode(raw.path, Int32Array, what + '.path') : null;
    for (const [k, a] of [['lang', this.lang], ['text', this.text], ['sentence', this.sentence], ['occurrences', this.occurrences]]) {
      if (a && a.length !== N) throw new Error(what + '.' + k + ' has ' + a.length + ' entries, expected ' + N);
    }
    const nl = model.languages.length, ns = this.strings.length, nsent = model.sentences.count;
    this.langCount = new Uint32Array(nl);
    for (let i = 0; i < N; i++) {
      if (this.lang[i] >= nl) throw new Error(what + ': language id ' + this.lang[i] + ' out of range');
      if (this.text[i] >= ns) throw new Error(what + ': string index ' + this.text[i] + ' out of range');
      if (this.sentence && this.sentence[i] >= nsent) throw new Error(what + ': sentence index ' + this.sentence[i] + ' out of range');
      this.langCount[this.lang[i]]++;
    }
    this.hasSentences = !!this.sentence && this.sentence.some((s) => s >= 0);
    this.views = new Map();
    for (const v of raw.views || []) {
      if (v && METHOD_NAME[v.method] && Array.isArray(v.layers)) {
        this.views.set(v.method, { method: v.method, layers: v.layers, xy: [], grid: [] });
      }
    }
    this.order = shuffledOrder(N, SEED ^ N);
    this.rank = new Uint32Array(N);
    for (let k = 0; k < N; k++) this.rank[this.order[k]] = k;
    this._lower = null; this._bySource = null; this._pointOfSentence = null;
  }
  layerInfo(method, slot) {
    const v = this.views.get(method);
    return (v && v.layers[slot]) || null;
  }
  // dequantized coordinates of (method, slot), decoded on first use and cached
  xy(method, slot) {
    const v = this.views.get(method);
    if (!v || !v.layers[slot]) return null;
    if (!v.xy[slot]) {
      const L = v.layers[slot], N = this.count;
      const q = decode(L.xy, Uint16Array, 'cloud ' + this.name + ' ' + method + ' layer ' + slot + ' xy');
      if (q.length !== 2 * N) throw new Error('cloud ' + this.name + ' ' + method + ' layer ' + slot + ': xy has ' + q.length + ' values, expected ' + 2 * N);
      const b = L.bounds, sx = (b[1] - b[0]) / 65535, sy = (b[3] - b[2]) / 65535;
      const out = new Float32Array(2 * N);
      for (let i = 0; i < N; i++) {
        out[2 * i] = b[0] + q[2 * i] * sx;
        out[2 * i + 1] = b[2] + q[2 * i + 1] * sy;
      }
      v.xy[slot] = out;
      L.xy = null;  // the base64 text is no longer needed
    }
    return v.xy[slot];
  }
  grid(method, slot) {
    const v = this.views.get(method);
    if (!v.grid[slot]) v.grid[slot] = new Grid(this.xy(method, slot), this.count, v.layers[slot].bounds);
    return v.grid[slot];
  }
  lower() {
    if (!this._lower) this._lower = this.strings.map((s) => s.toLowerCase());
    return this._lower;
  }
  textOf(i) { return this.strings[this.text[i]]; }
  sentenceOf(i) { return this.sentence ? this.sentence[i] : -1; }
  // points grouped by the source_index of their sentence
  pointsBySource() {
    if (!this._bySource) {
      const m = new Map(), src = this.model.sentences.source;
      if (this.sentence) {
        for (let i = 0; i < this.count; i++) {
          const s = this.sentence[i];
          if (s < 0) continue;
          const list = m.get(src[s]);
          if (list) list.push(i); else m.set(src[s], [i]);
        }
      }
      this._bySource = m;
    }
    return this._bySource;
  }
  pointOfSentence(s) {
    if (!this._pointOfSentence) {
      const p = new Int32Array(this.model.sentences.count).fill(-1);
      if (this.sentence) for (let i = 0; i < this.count; i++) if (this.sentence[i] >= 0 && p[this.sentence[i]] < 0) p[this.sentence[i]] = i;
      this._pointOfSentence = p;
    }
    return this._pointOfSentence[s];
  }
}

// uniform grid over the layer's bounds (data space): hover lookups touch a few cells only
class Grid {
  constructor(xy, n, b) {
    const G = this.G = clamp(Math.ceil(Math.sqrt(n / 3)), 1, 1024);
    this.x0 = b[0]; this.y0 = b[2];
    this.cw = (b[1] - b[0]) / G || 1; this.ch = (b[3] - b[2]) / G || 1;
    const cell = new Int32Array(n), start = new Int32Array(G * G + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cy(xy[2 * i + 1]) * G + this.cx(xy[2 * i]);
      cell[i] = c; start[c + 1]++;
    }
    for (let c = 0; c < G * G; c++) start[c + 1] += start[c];
    const fill = start.slice(0, G * G), items = new Int32Array(n);
    for (let i = 0; i < n; i++) items[fill[cell[i]]++] = i;
    this.start = start; this.items = items;
  }
  cx(x) { return clamp(Math.floor((x - this.x0) / this.cw), 0, this.G - 1); }
  cy(y) { return clamp(Math.floor((y - this.y0) / this.ch), 0, this.G - 1); }
  forEachNear(x, y, r, fn) {
    const c0 = this.cx(x - r), c1 = this.cx(x + r), r0 = this.cy(y - r), r1 = this.cy(y + r);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const c = row * this.G + col;
        for (let k = this.start[c]; k < this.start[c + 1]; k++) fn(this.items[k]);
      }
    }
  }
}

// Attention maps of some sentences at every transformer layer (payload "attention"): map k's
// T x T weights (row = query, column = key) at layer index li are values[li][offset[k] ...
// offset[k] + T*T), quantised as q / 65535; decoded per layer on first use.
class AttentionData {
  constructor(raw, model) {
    const n = this.count = raw.count | 0;
    this.layers = (raw.layers || []).map(Number);
    this.sentence = n ? decode(raw.sentence, Int32Array, 'attention.sentence') : new Int32Array(0);
    this.tokens = (raw.tokens || []).map((t) => (t || []).map(String));
    if (this.sentence.length !== n || this.tokens.length !== n) throw new Error('attention: arrays do not have count = ' + n + ' entries');
    if (!Array.isArray(raw.values) || raw.values.length !== this.layers.length) throw new Error('attention: expected one values array per layer');
    this.offset = new Float64Array(n + 1);
    this.bySentence = new Map();
    for (let k = 0; k < n; k++) {
      const s = this.sentence[k], T = this.tokens[k].length;
      if (!(s >= 0 && s < model.sentences.count)) throw new Error('attention: sentence index ' + s + ' out of range');
      this.offset[k + 1] = this.offset[k] + T * T;
      this.bySentence.set(s, k);
    }
    this.raw = raw.values.slice();
    this.values = [];
    this.maxMaps = Number(raw.max_maps) || 0;
    this.fileMaps = Number(raw.file_maps) || 0;
    this.fileGroups = Number(raw.file_groups) || 0;
    this.groups = Number(raw.groups) || 0;
    this.omitted = new Set(raw.omitted_source_index ? decode(raw.omitted_source_index, Int32Array, 'attention.omitted_source_index') : []);
  }
  mapOf(sentence) { const k = this.bySentence.get(sentence); return k === undefined ? -1 : k; }
  size(k) { return this.tokens[k].length; }
  // index into layers of the map shown for hidden-state layer L (L = 0, the embeddings: the first)
  layerIndex(hiddenLayer) { return this.layers.indexOf(Math.max(1, hiddenLayer)); }
  // the T*T quantised weights of map k at layer index li
  weights(k, li) {
    if (!this.values[li]) {
      const q = decode(this.raw[li], Uint16Array, 'attention layer ' + this.layers[li]);
      if (q.length !== this.offset[this.count]) throw new Error('attention layer ' + this.layers[li] + ': ' + q.length + ' values, expected ' + this.offset[this.count]);
      this.values[li] = q;
      this.raw[li] = null;
    }
    return this.values[li].subarray(this.offset[k], this.offset[k + 1]);
  }
}
