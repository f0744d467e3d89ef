# Generates the coefficient tables of dev.nabla.runtime.kernels.Erf: Chebyshev interpolants of
#   erf(sqrt(t))/sqrt(t) on t in [0, 1] (degree 9), and erfc(x)*exp(x^2) on [1, 2.5] (14) and [2.5, 6] (15),
# computed in 40-digit arithmetic (mpmath) and converted to power form in the normalised variable s in [-1, 1].
# Run: python3 erf_fit.py
import mpmath as mp

mp.mp.dps = 40


def cheb_fit(f, a, b, n):
    N = n + 1
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N) for k in range(N)]
    vals = [f((b - a) / 2 * s + (b + a) / 2) for s in nodes]
    c = [2 * mp.fsum(vals[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / N) for k in range(N)) / N
         for j in range(N)]
    c[0] /= 2
    T = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for k in range(2, N):
        t = [mp.mpf(0)] * (k + 1)
        for i, v in enumerate(T[k - 1]):
            t[i + 1] += 2 * v
        for i, v in enumerate(T[k - 2]):
            t[i] -= v
        T.append(t)
    p = [mp.mpf(0)] * N
    for j in range(N):
        for i, v in enumerate(T[j]):
            p[i] += c[j] * v
    return [float(v) for v in p]


small = lambda t: mp.erf(mp.sqrt(t)) / mp.sqrt(t) if t != 0 else 2 / mp.sqrt(mp.pi)
scaled_erfc = lambda x: mp.erfc(x) * mp.exp(x * x)
for name, f, a, b, n in [("SMALL", small, 0, 1, 9), ("MIDDLE", scaled_erfc, 1, 2.5, 14),
                         ("LARGE", scaled_erfc, 2.5, 6, 15)]:
    print(name, cheb_fit(f, mp.mpf(a), mp.mpf(b), n))
