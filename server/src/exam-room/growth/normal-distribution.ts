/**
 * Error function, accurate to about 1e-14 absolute: the Maclaurin series for |x| < 3 and the
 * Laplace continued fraction for erfc beyond (Abramowitz & Stegun 7.1.5 and 7.1.14).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return -erf(-x);
  if (x >= 3) return 1 - erfcTail(x);
  // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
  let term = x;
  let total = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const next = term / (2 * n + 1);
    total += next;
    if (Math.abs(next) < 1e-17 * Math.abs(total)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

/** Complementary error function, keeping relative accuracy in the upper tail. */
export function erfc(x: number): number {
  if (x >= 3) return erfcTail(x);
  return 1 - erf(x);
}

function erfcTail(x: number): number {
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the back.
  let fraction = x;
  for (let k = 80; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** Standard normal cumulative distribution Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfc(-z / Math.SQRT2) : 1 - 0.5 * erfc(z / Math.SQRT2);
}
