// Point styles and the canvas 2D renderer (the fallback where WebGL2 has no GPU: it draws the same
// picture as 21_render_webgl.js).
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
