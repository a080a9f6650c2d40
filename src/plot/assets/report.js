/*
 * polyrep report viewer: offline, dependency-free. Reads the JSON payload that `polyrep plot`
 * embeds in <script type="application/json" id="polyrep-data"> (format polyrep-report/1) and shows
 * one cloud (sentences / tokens / types) at one layer in a PCA and a t-SNE panel.
 *
 * Rendering: WebGL2 when the browser offers a hardware context, else canvas 2D writing pixels into
 * an ImageData through a Uint32Array. Points are drawn in a seeded shuffled order (no language is
 * always on top); search matches and their translations are drawn last. Hover, pin and linked
 * brushing are drawn on a second (overlay) canvas so they never redraw the points.
 * URL option: ?renderer=2d or ?renderer=webgl forces a renderer (webgl then accepts software GL).
 *
 * Search semantics: case-insensitive substring over the cloud's display strings. With
 * "translations" on, points whose sentence has the same source_index as a matching point's
 * sentence (but is not itself a matching point's sentence) are emphasised in a second style
 * (rings). The toggle starts on for sentences and off for tokens (a common word would otherwise
 * mark nearly every token); types have no sentences, so it is disabled there. Pinning a point
 * (click) always marks its translations in the overlay: for a sentence, the other sentences with
 * its source_index (joined to it by lines); for a token, the tokens of those sentences.
 *
 * Test hooks (window.polyrepReport), used by tests/browser/report_check.py:
 *   ready                 true once the first frame is drawn; error: message when the payload is unusable
 *   cloud, layer          current cloud name and layer slot (read-only)
 *   renderer              'webgl' or '2d' (of the first panel with points)
 *   drawnCount(method)    points drawn in panel 'pca' | 'tsne' for the current layer: the points of the
 *                         visible languages (points panned off-screen still count); null if the
 *                         cloud has no such view
 *   screenPosition(method, i)  {x, y} client coordinates of point i in that panel, or null when the
 *                         panel is absent, i's language is hidden or the point is outside the panel
 *   setCloud(name), setLayer(slot)  switch and render synchronously; false if the value is invalid
 *   lastFrameMs           duration of the last frame that redrew points (for WebGL: submit time)
 *   frames                frames drawn so far
 */
(function () {
  'use strict';

  const HOVER_PX = 6;          // hover radius, CSS pixels
  const TIE_PX = 0.75;         // candidates this close to the nearest are ranked by draw order
  const SEED = 0x2545f491;
  const METHODS = ['pca', 'tsne'];
  const METHOD_NAME = { pca: 'PCA', tsne: 't-SNE' };

  const hooks = {
    ready: false, error: null, renderer: null, lastFrameMs: 0, frames: 0,
    drawnCount: () => null, screenPosition: () => null, setCloud: () => false, setLayer: () => false
  };
  window.polyrepReport = hooks;

  // ------------------------------------------------------------------ helpers
  const $ = (id) => document.getElementById(id);

  function h(tag, attrs, kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of kids || []) if (c != null) e.append(c);
    return e;
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text != null) e.textContent = text;
    return e;
  }

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

  const fmtInt = (n) => Number(n).toLocaleString('en-US');
  const pct = (v, d) => (v * 100).toFixed(d) + '%';
  const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

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
  const kindOf = (c) => ({ sentences: 'sentence', tokens: 'token', types: 'type' })[c.name] || 'point';
  const css = (rgb) => 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')';

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

  // ------------------------------------------------------------------ point styles
  const STYLE_BASE = 0, STYLE_TRANS = 1, STYLE_MATCH = 2;

  function pointStyle(N, k) {
    const r = N <= 600 ? 3.6 : N <= 3000 ? 3 : N <= 15000 ? 2.3 : N <= 60000 ? 1.8 : 1.4;
    const alpha = N <= 3000 ? 0.85 : N <= 30000 ? 0.7 : 0.55;
    const grow = Math.min(2.5, 1 + 0.3 * Math.log2(Math.max(1, k)));  // points grow a little when zooming in
    return { r: r * grow, alpha, dimAlpha: N <= 3000 ? 0.16 : 0.09 };
  }

  // ------------------------------------------------------------------ canvas 2D renderer
  class CpuRenderer {
    constructor(canvas) {
      this.kind = '2d';
      this.canvas = canvas;
      this.ctx = canvas.getContext('2d', { alpha: false });
      this.sprites = new Map();
      this.W = 0; this.H = 0;
    }
    resize(w, h) {
      this.canvas.width = w; this.canvas.height = h;
      this.W = w; this.H = h;
      this.img = this.ctx.createImageData(Math.max(1, w), Math.max(1, h));
      this.buf = new Uint32Array(this.img.data.buffer);
    }
    // anti-aliased disc (ring: annulus of width w ending at radius r); coverage scaled to 0..256
    sprite(kind, r, w) {
      const key = kind + ':' + r.toFixed(2) + ':' + (w || 0).toFixed(2);
      let s = this.sprites.get(key);
      if (s) return s;
      const e = Math.ceil(r + 1), dx = [], dy = [], cov = [];
      for (let y = -e; y <= e; y++) {
        for (let x = -e; x <= e; x++) {
          const d = Math.hypot(x, y);
          const c = kind === 'ring' ? clamp(w / 2 + 0.5 - Math.abs(d - (r - w / 2)), 0, 1) : clamp(r + 0.5 - d, 0, 1);
          if (c > 0) { dx.push(x); dy.push(y); cov.push(Math.round(c * 256)); }
        }
      }
      s = { ext: e, dx: Int32Array.from(dx), dy: Int32Array.from(dy), cov: Int32Array.from(cov), off: new Int32Array(dx.length), offW: -1 };
      this.sprites.set(key, s);
      return s;
    }
    draw(f) {
      const W = this.W, H = this.H, buf = this.buf;
      buf.fill(0xffffffff);
      const d = f.dpr, ax = f.a * d, bx = f.bx * d, ay = -f.a * d, by = f.by * d;
      const R = f.style.r * d;
      const passes = [];
      passes.push([f.lists.base, f.lists.baseLen, this.sprite('disc', R), f.searching ? f.style.dimAlpha : f.style.alpha, null]);
      passes.push([f.lists.trans, f.lists.transLen, this.sprite('ring', R + 2 * d, 1.6 * d), 1, null]);
      passes.push([f.lists.match, f.lists.matchLen, this.sprite('disc', R + 2 * d), 1, [25, 30, 36]]);
      passes.push([f.lists.match, f.lists.matchLen, this.sprite('disc', R + 0.8 * d), 1, null]);
      for (const [idx, len, sp, alpha, fixed] of passes) {
        if (len) this.pass(f.xy, f.rgb, idx, len, ax, bx, ay, by, sp, Math.round(alpha * 256), fixed);
      }
      this.ctx.putImageData(this.img, 0, 0);
    }
    // alpha-blends one sprite per point; red and blue are blended together in one packed multiply
    pass(xy, rgb, idx, len, ax, bx, ay, by, sp, alpha, fixed) {
      const W = this.W, H = this.H, buf = this.buf, e = sp.ext, n = sp.cov.length;
      const sdx = sp.dx, sdy = sp.dy, cov = sp.cov, off = sp.off;
      if (sp.offW !== W) { for (let s = 0; s < n; s++) off[s] = sdy[s] * W + sdx[s]; sp.offW = W; }
      const ca = new Int32Array(n);
      for (let s = 0; s < n; s++) ca[s] = (cov[s] * alpha) >> 8;
      const frb = fixed ? fixed[0] | (fixed[2] << 16) : 0, fg = fixed ? fixed[1] << 8 : 0;
      const hiX = W - e, hiY = H - e;
      for (let k = 0; k < len; k++) {
        const i = idx[k];
        const fx = xy[2 * i] * ax + bx, fy = xy[2 * i + 1] * ay + by;
        if (!(fx >= -e && fy >= -e && fx < W + e && fy < H + e)) continue;
        const px = Math.floor(fx), py = Math.floor(fy);
        const srb = fixed ? frb : rgb[3 * i] | (rgb[3 * i + 2] << 16), sg = fixed ? fg : rgb[3 * i + 1] << 8;
        if (px >= e && py >= e && px < hiX && py < hiY) {
          const base = py * W + px;
          for (let s = 0; s < n; s++) {
            const o = base + off[s], p = buf[o], a = ca[s], ia = 256 - a;
            buf[o] = 0xff000000 | (((srb * a + (p & 0xff00ff) * ia) >>> 8) & 0xff00ff) | (((sg * a + (p & 0xff00) * ia) >>> 8) & 0xff00);
          }
        } else {
          for (let s = 0; s < n; s++) {
            const x = px + sdx[s], y = py + sdy[s];
            if (x < 0 || y < 0 || x >= W || y >= H) continue;
            const o = y * W + x, p = buf[o], a = ca[s], ia = 256 - a;
            buf[o] = 0xff000000 | (((srb * a + (p & 0xff00ff) * ia) >>> 8) & 0xff00ff) | (((sg * a + (p & 0xff00) * ia) >>> 8) & 0xff00);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ WebGL2 renderer
  const VS = `#version 300 es
in vec2 aPos; in vec3 aCol;
uniform vec4 uXf; uniform float uSize;
out vec3 vCol;
void main() {
  gl_Position = vec4(aPos.x * uXf.x + uXf.y, aPos.y * uXf.z + uXf.w, 0.0, 1.0);
  gl_PointSize = uSize;
  vCol = aCol;
}`;
  const FS = `#version 300 es
precision highp float;
in vec3 vCol;
uniform float uSize, uR, uW, uAlpha; uniform int uStyle; uniform vec3 uEdge;
out vec4 o;
void main() {
  float d = length(gl_PointCoord - 0.5) * uSize;
  vec3 c = vCol; float a;
  if (uStyle == 0) a = clamp(uR + 0.5 - d, 0.0, 1.0);
  else if (uStyle == 2) { a = clamp(uR + 0.5 - d, 0.0, 1.0); c = mix(uEdge, vCol, clamp(uR - uW + 0.5 - d, 0.0, 1.0)); }
  else a = clamp(uW * 0.5 + 0.5 - abs(d - (uR - uW * 0.5)), 0.0, 1.0);
  a *= uAlpha;
  if (a <= 0.0) discard;
  o = vec4(c * a, a);
}`;

  // One probe for the whole page (in a browser without GPU each context request logs a warning).
  // Software GL (SwiftShader, llvmpipe: e.g. Chromium with --disable-gpu) counts as unavailable: the
  // canvas 2D renderer is faster there and draws the same picture.
  let webglProbe = null;
  function webglUsable(forced) {
    if (webglProbe === null) {
      webglProbe = false;
      try {
        const gl = document.createElement('canvas').getContext('webgl2', { failIfMajorPerformanceCaveat: !forced });
        if (gl) {
          let name = String(gl.getParameter(gl.RENDERER) || '');
          if (/webkit webgl/i.test(name)) {  // masked name: ask for the real one (Chromium, Safari)
            const info = gl.getExtension('WEBGL_debug_renderer_info');
            if (info) name = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL) || name);
          }
          webglProbe = forced || !/swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(name);
          const lose = gl.getExtension('WEBGL_lose_context');
          if (lose) lose.loseContext();
        }
      } catch (e) { webglProbe = false; }
    }
    return webglProbe;
  }

  class GlRenderer {
    static create(canvas, forced) {
      if (!webglUsable(forced)) return null;
      let gl = null;
      try {
        gl = canvas.getContext('webgl2', { antialias: false, alpha: false, depth: false, stencil: false,
          premultipliedAlpha: true, preserveDrawingBuffer: false, failIfMajorPerformanceCaveat: !forced });
      } catch (e) { gl = null; }
      if (!gl) return null;
      try { return new GlRenderer(canvas, gl); } catch (e) { return null; }
    }
    constructor(canvas, gl) {
      this.kind = 'webgl'; this.canvas = canvas; this.gl = gl;
      const sh = (type, src) => {
        const s = gl.createShader(type);
        gl.shaderSource(s, src); gl.compileShader(s);
        if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
        return s;
      };
      const p = this.prog = gl.createProgram();
      gl.attachShader(p, sh(gl.VERTEX_SHADER, VS)); gl.attachShader(p, sh(gl.FRAGMENT_SHADER, FS));
      gl.linkProgram(p);
      if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p));
      this.u = {};
      for (const n of ['uXf', 'uSize', 'uR', 'uW', 'uAlpha', 'uStyle', 'uEdge']) this.u[n] = gl.getUniformLocation(p, n);
      this.vao = gl.createVertexArray();
      gl.bindVertexArray(this.vao);
      this.posBuf = gl.createBuffer(); this.colBuf = gl.createBuffer();
      const aPos = gl.getAttribLocation(p, 'aPos'), aCol = gl.getAttribLocation(p, 'aCol');
      gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
      gl.enableVertexAttribArray(aPos); gl.vertexAttribPointer(aPos, 2, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.colBuf);
      gl.enableVertexAttribArray(aCol); gl.vertexAttribPointer(aCol, 3, gl.UNSIGNED_BYTE, true, 0, 0);
      this.idxBufs = [gl.createBuffer(), gl.createBuffer(), gl.createBuffer()];
      this.idxSrc = [null, null, null];
      this.posSrc = null; this.colSrc = null;
      this.maxSize = gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)[1] || 64;
      this.lost = false;
      canvas.addEventListener('webglcontextlost', (e) => { e.preventDefault(); this.lost = true; });
    }
    resize(w, h) { this.canvas.width = w; this.canvas.height = h; }
    draw(f) {
      const gl = this.gl;
      if (gl.isContextLost()) { this.lost = true; return; }
      gl.viewport(0, 0, this.canvas.width, this.canvas.height);
      gl.clearColor(1, 1, 1, 1); gl.clear(gl.COLOR_BUFFER_BIT);
      gl.useProgram(this.prog); gl.bindVertexArray(this.vao);
      gl.enable(gl.BLEND); gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
      if (this.posSrc !== f.xy) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf); gl.bufferData(gl.ARRAY_BUFFER, f.xy, gl.STATIC_DRAW); this.posSrc = f.xy;
      }
      if (this.colSrc !== f.rgb) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.colBuf); gl.bufferData(gl.ARRAY_BUFFER, f.rgb, gl.STATIC_DRAW); this.colSrc = f.rgb;
      }
      const Wc = f.W, Hc = f.H;   // CSS size: data -> clip space
      gl.uniform4f(this.u.uXf, 2 * f.a / Wc, 2 * f.bx / Wc - 1, 2 * f.a / Hc, 1 - 2 * f.by / Hc);
      gl.uniform3f(this.u.uEdge, 25 / 255, 30 / 255, 36 / 255);
      const d = f.dpr, R = f.style.r * d, L = f.lists;
      const passes = [
        [0, L.base, L.baseLen, 0, R, 0, f.searching ? f.style.dimAlpha : f.style.alpha],
        [1, L.trans, L.transLen, 1, R + 2 * d, 1.6 * d, 1],
        [2, L.match, L.matchLen, 2, R + 2 * d, 1.2 * d, 1]];
      for (const [slot, idx, len, style, r, w, alpha] of passes) {
        if (!len) continue;
        gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.idxBufs[slot]);
        if (this.idxSrc[slot] !== idx) { gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx.subarray(0, len), gl.DYNAMIC_DRAW); this.idxSrc[slot] = idx; }
        const size = Math.min(this.maxSize, 2 * Math.ceil(r + 1.5));
        gl.uniform1f(this.u.uSize, size); gl.uniform1f(this.u.uR, r); gl.uniform1f(this.u.uW, w);
        gl.uniform1f(this.u.uAlpha, alpha); gl.uniform1i(this.u.uStyle, style);
        gl.drawElements(gl.POINTS, len, gl.UNSIGNED_INT, 0);
      }
    }
  }

  // ------------------------------------------------------------------ panel
  class Panel {
    constructor(app, method) {
      this.app = app; this.method = method;
      this.root = $('panel-' + method);
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
    // true when the current cloud has this panel's method at the current layer slot
    live() { return this.present && !!this.app.cloud.layerInfo(this.method, this.app.slot); }
    measure() {
      const W = this.cssW >= 0 ? this.cssW : this.plot.clientWidth, H = this.cssH >= 0 ? this.cssH : this.plot.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      // the pixel-writing renderer keeps huge clouds at about 1 CSS pixel per pixel (4x fewer writes on
      // HiDPI screens); hover marks on the overlay stay sharp
      const pdpr = this.renderer.kind === '2d' && this.app.cloud.count > 60000 ? Math.min(dpr, 1.25) : dpr;
      if (W !== this.W || H !== this.H || dpr !== this.dpr || pdpr !== this.pdpr) {
        this.W = W; this.H = H; this.dpr = dpr; this.pdpr = pdpr;
        this.renderer.resize(Math.max(1, Math.round(W * pdpr)), Math.max(1, Math.round(H * pdpr)));
        this.overlay.width = Math.max(1, Math.round(W * dpr)); this.overlay.height = Math.max(1, Math.round(H * dpr));
        this.dirtyOverlay = true; this.dirtyPoints = true;
      }
    }
    // data -> CSS pixels inside the plot: X = x*a + bx, Y = -y*a + by (equal aspect on both axes)
    transform() {
      const L = this.app.cloud.layerInfo(this.method, this.app.slot);
      const b = L.bounds, pad = 14;
      const dx = (b[1] - b[0]) || 1, dy = (b[3] - b[2]) || 1;
      const s = Math.max(1e-12, Math.min((this.W - 2 * pad) / dx, (this.H - 2 * pad) / dy));
      const a = s * this.k, cx = (b[0] + b[1]) / 2, cy = (b[2] + b[3]) / 2;
      return { a, s, cx, cy, bx: this.W / 2 - cx * a + this.tx, by: this.H / 2 + cy * a + this.ty };
    }
    drawPoints() {
      const app = this.app, c = app.cloud;
      const f = this.transform();
      f.W = this.W; f.H = this.H; f.dpr = this.pdpr;
      f.xy = c.xy(this.method, app.slot);
      f.rgb = app.pointColors(c);
      f.lists = app.lists; f.searching = app.searching;
      f.style = pointStyle(c.count, this.k);
      this.renderer.draw(f);
      if (this.renderer.lost) return;
      this.drawn = app.lists.baseLen + app.lists.transLen + app.lists.matchLen;
      this.resetBtn.hidden = this.k === 1 && this.tx === 0 && this.ty === 0;
    }
    toScreen(i, f, xy) { return [xy[2 * i] * f.a + f.bx, -xy[2 * i + 1] * f.a + f.by]; }
    drawOverlay() {
      const ctx = this.octx, app = this.app, c = app.cloud, d = this.dpr;
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
        if (app.hoverMethod !== this.method) {  // linked brushing: crosshair marks the point in the other panel
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
      if (!moved) this.app.pin(this.app.pick(this, mx, my).best);
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

  // ------------------------------------------------------------------ charts
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

  // ------------------------------------------------------------------ application
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
      this.hover = -1; this.hoverMethod = null; this.lastMouse = null;
      this.pinned = -1; this.pinnedRelated = [];
      this.lists = null; this.style = null; this.matchStats = null;
      this.rgbCache = new Map();
      this.rafPending = false;
      this.panels = METHODS.map((m) => new Panel(this, m));
      this.tooltip = $('tooltip');
      this.buildHeader();
      this.buildLegend();
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
      const search = $('search');
      let timer = 0;
      search.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => this.setQuery(search.value), 160);
      });
      search.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') { clearTimeout(timer); this.setQuery(search.value); }
      });
      $('translations').addEventListener('change', (e) => {
        this.transPref[this.cloud.name] = e.target.checked;
        this.recompute();
      });
      $('variance').addEventListener('click', (e) => { if ($('variance')._pick) this.setLayer($('variance')._pick(e.clientX)); });
      $('kl').addEventListener('click', (e) => { if ($('kl')._pick) this.setLayer($('kl')._pick(e.clientX)); });
    }

    layerName(slot) {
      const l = this.model.layers[slot];
      return l === 0 ? 'embeddings' : 'layer ' + l;
    }

    // -- legend
    buildLegend() {
      const root = $('legend'), langs = this.model.languages;
      root.textContent = '';
      const btn = (text, title, fn) => {
        const b = h('button', { type: 'button', class: 'lg-btn', title, text });
        b.addEventListener('click', fn);
        return b;
      };
      this.legendSummary = h('div', { class: 'lg-summary' });
      root.append(h('div', { class: 'lg-head' }, [h('span', { class: 'lg-title', text: 'Languages' }),
        btn('All', 'Show all languages', () => this.setVisible(null, 1)),
        btn('None', 'Hide all languages', () => this.setVisible(null, 0))]), this.legendSummary);
      const list = h('div', { class: 'lg-list', role: 'list' });
      if (langs.length > 12) {
        const filter = h('input', { type: 'search', class: 'lg-filter', placeholder: 'Filter ' + langs.length + ' languages', 'aria-label': 'Filter languages' });
        filter.addEventListener('input', () => {
          const q = filter.value.trim().toLowerCase();
          this.legendItems.forEach((it, l) => { it.el.hidden = q !== '' && !langs[l].toLowerCase().includes(q); });
        });
        root.append(filter);
      }
      this.legendItems = langs.map((name, l) => {
        const sw = h('span', { class: 'sw', style: 'background:' + this.langCss[l] + ';border-color:' + this.langCss[l] });
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
        if (e.target.closest('.lg-only') || e.shiftKey || e.altKey) this.isolate(l);
        else this.setVisible(l, this.visible[l] ? 0 : 1);
      });
      list.addEventListener('keydown', (e) => {
        const item = e.target.closest('.lg-item');
        if (!item || (e.key !== ' ' && e.key !== 'Enter') || e.target !== item) return;
        e.preventDefault();
        const l = Number(item.dataset.idx);
        if (e.shiftKey || e.altKey) this.isolate(l); else this.setVisible(l, this.visible[l] ? 0 : 1);
      });
      root.append(list, h('div', { class: 'lg-hint', text: 'click: show/hide · shift-click: only this' }));
    }

    setVisible(l, v) {
      if (l === null) this.visible.fill(v); else this.visible[l] = v;
      this.recompute();
    }

    isolate(l) {
      const onlyThis = this.visible[l] && this.visible.every((v, j) => (j === l) === !!v);
      if (onlyThis) this.visible.fill(1); else { this.visible.fill(0); this.visible[l] = 1; }
      this.recompute();
    }

    updateLegend() {
      const c = this.cloud, st = this.matchStats;
      let shown = 0;
      this.legendItems.forEach((it, l) => {
        const n = c.langCount[l], on = !!this.visible[l];
        if (on) shown++;
        it.el.classList.toggle('off', !on);
        it.el.classList.toggle('empty', n === 0);
        it.el.setAttribute('aria-checked', on ? 'true' : 'false');
        it.count.textContent = '';
        if (st) it.count.append(h('b', { text: fmtInt(st.perLang[l]) }), ' / ');
        it.count.append(fmtInt(n));
      });
      const pts = this.lists ? this.lists.baseLen + this.lists.transLen + this.lists.matchLen : 0;
      this.legendSummary.textContent = (shown === this.visible.length ? 'all ' + shown + ' shown' : shown + ' of ' + this.visible.length + ' shown') +
        ' · ' + fmtInt(pts) + ' points';
    }

    // -- state changes
    setCloud(name) {
      const c = this.model.clouds.find((x) => x.name === name);
      if (!c) return false;
      this.cloud = c;
      $('cloud').value = name;
      this.pinned = -1; this.pinnedRelated = []; this.hover = -1;
      this.hideTooltip();
      const box = $('translations-box'), chk = $('translations');
      chk.disabled = !c.hasSentences;
      box.classList.toggle('disabled', !c.hasSentences);
      chk.checked = c.hasSentences && !!this.transPref[c.name];
      for (const p of this.panels) {
        p.setPresent(c.views.has(p.method), 'No ' + METHOD_NAME[p.method] + ' layout for this cloud in the file' +
          (p.method === 'tsne' ? ' (run polyrep reduce --tsne).' : ' (run polyrep reduce --pca).'));
        p.k = 1; p.tx = 0; p.ty = 0;
      }
      this.recompute();
      this.updateCharts();
      this.renderInfo();
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
      const c = this.cloud, N = c.count, nl = this.model.languages.length;
      const lang = c.lang, vis = this.visible, order = c.order;
      let style = null, stats = null;
      if (this.query) {
        style = new Uint8Array(N);
        const low = c.lower(), q = this.query, hit = new Uint8Array(low.length);
        for (let s = 0; s < low.length; s++) hit[s] = low[s].includes(q) ? 1 : 0;
        for (let i = 0; i < N; i++) if (hit[c.text[i]]) style[i] = STYLE_MATCH;
        if (c.hasSentences && $('translations').checked) {
          const src = this.model.sentences.source, mine = new Uint8Array(this.model.sentences.count), sources = new Set();
          for (let i = 0; i < N; i++) {
            const s = c.sentence[i];
            if (style[i] === STYLE_MATCH && s >= 0) { mine[s] = 1; sources.add(src[s]); }
          }
          for (let i = 0; i < N; i++) {
            const s = c.sentence[i];
            if (style[i] === 0 && s >= 0 && !mine[s] && sources.has(src[s])) style[i] = STYLE_TRANS;
          }
        }
        stats = { perLang: new Uint32Array(nl), match: 0, trans: 0, hiddenMatch: 0 };
      }
      const base = new Uint32Array(N), trans = new Uint32Array(style ? N : 0), match = new Uint32Array(style ? N : 0);
      let nb = 0, nt = 0, nm = 0;
      for (let k = 0; k < N; k++) {
        const i = order[k], l = lang[i];
        const st = style ? style[i] : 0;
        if (st === STYLE_MATCH) stats.perLang[l]++;
        if (!vis[l]) { if (st === STYLE_MATCH) stats.hiddenMatch++; continue; }
        if (st === STYLE_MATCH) match[nm++] = i;
        else if (st === STYLE_TRANS) trans[nt++] = i;
        else base[nb++] = i;
      }
      if (stats) { stats.match = nm; stats.trans = nt; }
      this.style = style; this.matchStats = stats; this.searching = !!style;
      this.lists = { base, baseLen: nb, trans, transLen: nt, match, matchLen: nm };
      this.updateSearchCount();
      this.updateLegend();
      this.updatePanelText();
      if (this.hover >= 0 && !vis[lang[this.hover]]) this.clearHover();
      this.invalidateAll(true);
    }

    updateSearchCount() {
      const el = $('search-count'), st = this.matchStats;
      el.textContent = '';
      if (!st) return;
      if (!st.match && !st.hiddenMatch) { el.textContent = 'no match'; return; }
      el.append(h('b', { text: fmtInt(st.match) }), st.match === 1 ? ' match' : ' matches');
      if (st.trans) el.append(' · ', h('b', { text: fmtInt(st.trans) }), ' translations');
      if (st.hiddenMatch) el.append(' (+' + fmtInt(st.hiddenMatch) + ' hidden)');
    }

    updatePanelText() {
      const c = this.cloud, slot = this.slot;
      const drawn = this.lists ? this.lists.baseLen + this.lists.transLen + this.lists.matchLen : 0;
      for (const p of this.panels) {
        const L = c.layerInfo(p.method, slot);
        if (!p.present || !L) { p.meta.textContent = ''; p.xlab.textContent = ''; p.ylab.textContent = ''; continue; }
        p.meta.textContent = this.layerName(slot) + ' · ' + fmtInt(drawn) + (drawn === c.count ? '' : ' of ' + fmtInt(c.count)) + ' points';
        if (p.method === 'pca') {
          const ev = L.explained_variance_ratio || [];
          p.xlab.textContent = ev.length > 0 ? 'PC1 (' + pct(ev[0], 1) + ')' : 'PC1';
          p.ylab.textContent = ev.length > 1 ? 'PC2 (' + pct(ev[1], 1) + ')' : 'PC2';
        } else {
          p.xlab.textContent = L.kl_divergence != null ? 'KL = ' + Number(L.kl_divergence).toFixed(3) : '';
          p.ylab.textContent = '';
        }
      }
    }

    updateCharts() {
      if (!this.cloud) return;
      const c = this.cloud, m = this.model;
      const labels = m.layers.map((l) => (l === 0 ? 'emb' : String(l)));
      const pca = c.views.get('pca'), tsne = c.views.get('tsne');
      const vbox = $('variance');
      if (pca) {
        const ev = m.layers.map((_, s) => (pca.layers[s] && pca.layers[s].explained_variance_ratio) || []);
        const two = ev.map((r) => (r.length ? (r[0] || 0) + (r[1] || 0) : null));
        const all = ev.map((r) => (r.length ? r.reduce((a, b) => a + b, 0) : null));
        const K = Math.max(0, ...ev.map((r) => r.length));
        const top = Math.max(0.05, ...all.filter((v) => v != null));
        lineChart(vbox, { labels, slot: this.slot, yMin: 0, yMax: Math.min(1, Math.ceil(top * 10 + 1e-9) / 10),
          fmt: (v) => pct(v, 0), fmtLong: (v) => pct(v, 1),
          series: [{ name: 'PC1+PC2', values: two, color: '#2563eb' }].concat(K > 2 ? [{ name: 'all ' + K + ' PCs', values: all, color: '#9ca3af' }] : []) });
      } else {
        vbox.textContent = ''; vbox._pick = null;
        vbox.append(svgEl('text', { class: 'empty-text', x: 10, y: 30 }, 'No PCA in this file.'));
      }
      $('kl-box').hidden = !tsne;
      if (tsne) {
        const kl = m.layers.map((_, s) => (tsne.layers[s] && tsne.layers[s].kl_divergence != null ? Number(tsne.layers[s].kl_divergence) : null));
        const vals = kl.filter((v) => v != null);
        const hi = vals.length ? Math.max(...vals) : 1;
        lineChart($('kl'), { labels, slot: this.slot, yMin: 0, yMax: hi > 0 ? hi * 1.1 : 1,
          fmt: (v) => v.toFixed(hi * 1.1 >= 10 ? 0 : 1), fmtLong: (v) => v.toFixed(3),
          series: [{ name: 'KL', values: kl, color: '#d9480f' }] });
      }
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

    // -- hover, pin, tooltip
    pick(panel, mx, my) {
      const c = this.cloud, f = panel.transform(), xy = c.xy(panel.method, this.slot);
      const grid = c.grid(panel.method, this.slot);
      const x = (mx - f.bx) / f.a, y = (f.by - my) / f.a, r = HOVER_PX / f.a;
      const cands = [];
      let bestD = Infinity;
      grid.forEachNear(x, y, r, (i) => {
        if (!this.visible[c.lang[i]]) return;
        const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, d = Math.sqrt(dx * dx + dy * dy) * f.a;
        if (d > HOVER_PX) return;
        cands.push(i, d);
        if (d < bestD) bestD = d;
      });
      if (!cands.length) return { best: -1, also: [] };
      // among (near-)ties prefer the point drawn on top: matches, then translations, then later in the shuffle
      const topRank = (i) => (this.style ? this.style[i] : 0) * c.count + c.rank[i];
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

    hoverAt(panel, mx, my, cx, cy) {
      this.lastMouse = { panel, mx, my, cx, cy };
      if (!panel.live()) { this.hideTooltip(); return; }
      const { best, also } = this.pick(panel, mx, my);
      panel.overlay.classList.toggle('over-point', best >= 0);
      if (best !== this.hover || panel.method !== this.hoverMethod) {
        this.hover = best; this.hoverMethod = best >= 0 ? panel.method : null;
        this.invalidateOverlays();
      }
      if (best < 0) { this.hideTooltip(); return; }
      this.showTooltip(best, also, cx, cy);
    }

    clearHover() {
      this.lastMouse = null;
      if (this.hover >= 0) { this.hover = -1; this.hoverMethod = null; this.invalidateOverlays(); }
      this.hideTooltip();
    }

    hideTooltip() { this.tooltip.hidden = true; this.tooltipFor = -1; }

    langChip(l) {
      return [h('span', { class: 'sw', style: 'background:' + this.langCss[l] + ';border-color:' + this.langCss[l] }),
        h('span', { class: 'mono', text: this.model.languages[l] })];
    }

    showTooltip(i, also, cx, cy) {
      const c = this.cloud, tt = this.tooltip, key = i + ':' + also.length + ':' + c.name;
      if (this.tooltipFor !== key) {
        this.tooltipFor = key;
        tt.textContent = '';
        // text nodes between the blocks keep textContent readable (tests and screen readers use it)
        tt.append(h('div', { class: 'tt-text', dir: 'auto', text: c.textOf(i) }), ' ');
        const meta = h('div', { class: 'tt-meta' }, this.langChip(c.lang[i]));
        meta.append(' ', h('span', { text: kindOf(c) + ' #' + i }));
        if (c.occurrences) meta.append(' ', h('span', { text: '· ' + fmtInt(c.occurrences[i]) + (c.occurrences[i] === 1 ? ' occurrence' : ' occurrences') }));
        tt.append(meta, ' ');
        const s = c.sentenceOf(i);
        if (c.name !== 'sentences' && s >= 0) tt.append(h('div', { class: 'tt-sent', dir: 'auto' }, this.highlighted(this.model.sentences.text[s], c.textOf(i))), ' ');
        if (also.length) {
          const shown = also.slice(0, 4).map((j) => c.textOf(j) + ' (' + this.model.languages[c.lang[j]] + ')');
          tt.append(h('div', { class: 'tt-more', text: 'also here: ' + shown.join(', ') + (also.length > 4 ? ' and ' + (also.length - 4) + ' more' : '') }));
        }
      }
      tt.hidden = false;
      const w = tt.offsetWidth, hh = tt.offsetHeight, pad = 14;
      let x = cx + pad, y = cy + pad;
      if (x + w > window.innerWidth - 4) x = Math.max(4, cx - pad - w);
      if (y + hh > window.innerHeight - 4) y = Math.max(4, cy - pad - hh);
      tt.style.left = x + 'px'; tt.style.top = y + 'px';
    }

    // sentence text with the token's first occurrence marked (subword markers stripped for matching)
    highlighted(sentence, token) {
      const t = String(token).replace(/^(▁|##|Ġ|Ċ)+/, '').trim();
      const k = t ? sentence.toLowerCase().indexOf(t.toLowerCase()) : -1;
      if (k < 0) return [sentence];
      return [sentence.slice(0, k), h('mark', { text: sentence.slice(k, k + t.length) }), sentence.slice(k + t.length)];
    }

    pin(i) {
      const c = this.cloud;
      this.pinned = i;
      this.pinnedRelated = [];
      if (i >= 0 && c.sentenceOf(i) >= 0) {
        const s = c.sentenceOf(i), src = this.model.sentences.source[s];
        this.pinnedRelated = (c.pointsBySource().get(src) || []).filter((j) => c.sentence[j] !== s);
      }
      this.invalidateOverlays();
      this.renderInfo();
    }

    renderInfo() {
      const box = $('info'), c = this.cloud, i = this.pinned, m = this.model;
      box.textContent = '';
      if (i < 0) {
        box.append(h('div', { class: 'info-empty', text: 'Click a point to pin it: its full text, its sentence and the sentence\'s translations appear here, and the translations are marked in both panels.' }));
        return;
      }
      const close = h('button', { type: 'button', class: 'info-close', title: 'Unpin (Esc)', text: '×' });
      close.addEventListener('click', () => this.pin(-1));
      box.append(h('div', { class: 'info-head' }, this.langChip(c.lang[i]).concat([h('span', { text: kindOf(c) + ' #' + i }), h('span', { class: 'grow' }), close])));
      box.append(h('div', { class: 'info-text', dir: 'auto', text: c.textOf(i) }));
      if (c.occurrences) box.append(h('div', { text: fmtInt(c.occurrences[i]) + ' occurrences averaged' }));
      const s = c.sentenceOf(i);
      if (s < 0) return;
      if (c.name !== 'sentences') {
        box.append(h('div', { class: 'info-sub', text: 'Sentence' }));
        box.append(h('div', { class: 'info-sent', dir: 'auto' }, this.highlighted(m.sentences.text[s], c.textOf(i))));
      }
      const others = (sentencesBySource(m).get(m.sentences.source[s]) || []).filter((t) => t !== s);
      box.append(h('div', { class: 'info-sub', text: 'Translations (' + others.length + ') · source index ' + m.sentences.source[s] }));
      const ul = h('ul');
      others.sort((a, b) => m.sentences.lang[a] - m.sentences.lang[b]);
      for (const t of others) {
        const p = c.name === 'sentences' ? c.pointOfSentence(t) : -1;
        const li = h('li', { class: p >= 0 ? 'pickable' : null, title: p >= 0 ? 'Pin this translation' : null }, [
          h('span', { class: 'sw', style: 'background:' + this.langCss[m.sentences.lang[t]] }),
          h('span', { class: 'l', text: m.languages[m.sentences.lang[t]] }),
          h('span', { class: 't', dir: 'auto', text: m.sentences.text[t] })]);
        if (p >= 0) li.addEventListener('click', () => this.pin(p));
        ul.append(li);
      }
      box.append(ul);
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

    // -- test hooks
    installHooks() {
      const panelOf = (m) => this.panels.find((p) => p.method === m && p.present);
      const livePanel = (m) => this.panels.find((p) => p.method === m && p.live());
      const flush = () => { if (this.rafPending) this.renderNow(); };  // answer for the current state
      hooks.drawnCount = (m) => { flush(); const p = panelOf(m); return p ? p.drawn : null; };
      hooks.screenPosition = (m, i) => {
        flush();
        const p = livePanel(m), c = this.cloud;
        if (!p || !(i >= 0 && i < c.count) || !this.visible[c.lang[i]]) return null;
        const f = p.transform(), xy = c.xy(m, this.slot);
        const [x, y] = p.toScreen(i, f, xy);
        if (x < 0 || y < 0 || x > p.W || y > p.H) return null;
        const r = p.overlay.getBoundingClientRect();
        return { x: r.left + x, y: r.top + y };
      };
      hooks.setCloud = (name) => { const ok = this.setCloud(String(name)); if (ok) this.renderNow(); return ok; };
      hooks.setLayer = (slot) => { const ok = this.setLayer(slot); if (ok) this.renderNow(); return ok; };
      Object.defineProperty(hooks, 'cloud', { get: () => this.cloud.name, enumerable: true });
      Object.defineProperty(hooks, 'layer', { get: () => this.slot, enumerable: true });
    }
  }

  // ------------------------------------------------------------------ start
  function fail(message) {
    hooks.error = message;
    const main = document.querySelector('main') || document.body;
    main.replaceWith(h('div', { class: 'fatal' }, [h('h2', { text: 'This report cannot be shown' }), h('div', { text: message })]));
  }

  function start() {
    const node = $('polyrep-data');
    if (!node) { fail('No data in this page. This file is the report template; `polyrep plot FILE --out DIR` writes the report.'); return; }
    let model;
    try {
      model = loadPayload(JSON.parse(node.textContent));
    } catch (e) {
      fail('The embedded data is unusable: ' + (e && e.message ? e.message : e));
      return;
    }
    node.textContent = '';  // let the browser drop the JSON text
    const app = new App(model);
    app.installHooks();
    app.setCloud(model.clouds[0].name);
    app.setLayer(0);
    app.renderNow();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
