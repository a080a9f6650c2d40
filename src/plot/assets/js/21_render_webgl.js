// The WebGL2 point renderer (used where the browser has a hardware context).
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
