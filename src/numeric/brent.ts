/**
 * One-dimensional minimisation as scipy.optimize.brent does it: expand a
 * downhill bracket from two starting points, then Brent's method (golden
 * section with parabolic steps; Brent 1973, ch. 5) to a relative tolerance.
 */
const GOLDEN = 1.618034;
const SHRINK = 0.381966;

export function minimizeScalar(f: (x: number) => number, start: [number, number], tol = 1.48e-8): number {
  const [a, b, c] = bracket(f, start[0], start[1]);
  return brent(f, Math.min(a, c), Math.max(a, c), b, tol);
}

/**
 * A local minimum of f within [low, high], by Brent's method started at the
 * golden-section point, as scipy.optimize.fminbound starts.
 */
export function minimizeBounded(f: (x: number) => number, low: number, high: number, tol = 1.48e-8): number {
  return brent(f, low, high, low + SHRINK * (high - low), tol);
}

/** Points a, b, c with f(b) below f(a) and f(c), by walking downhill in growing golden steps. */
function bracket(f: (x: number) => number, x0: number, x1: number): [number, number, number] {
  let [a, b] = [x0, x1];
  let [fa, fb] = [f(a), f(b)];
  if (fa < fb) {
    [a, b, fa, fb] = [b, a, fb, fa];
  }
  let c = b + GOLDEN * (b - a);
  let fc = f(c);
  for (let step = 0; fc < fb && step < 200; step++) {
    [a, b, fa, fb] = [b, c, fb, fc];
    c = b + GOLDEN * (b - a);
    fc = f(c);
  }
  return [a, b, c];
}

function brent(f: (x: number) => number, lo: number, hi: number, start: number, tol: number): number {
  let [a, b] = [lo, hi];
  let x = start;
  let w = start;
  let v = start;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iteration = 0; iteration < 500; iteration++) {
    const middle = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + 1e-11;
    const tol2 = 2 * tol1;
    if (Math.abs(x - middle) <= tol2 - 0.5 * (b - a)) break;
    let parabolic = false;
    if (Math.abs(e) > tol1) {
      // Fit a parabola through x, w, v and step to its vertex if it stays inside and shrinks.
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      if (Math.abs(p) < Math.abs(0.5 * q * e) && p > q * (a - x) && p < q * (b - x)) {
        e = d;
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = middle >= x ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = x >= middle ? a - x : b - x;
      d = SHRINK * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      [v, w, x, fv, fw, fx] = [w, x, u, fw, fx, fu];
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) [v, w, fv, fw] = [w, u, fw, fu];
      else if (fu <= fv || v === x || v === w) [v, fv] = [u, fu];
    }
  }
  return x;
}
