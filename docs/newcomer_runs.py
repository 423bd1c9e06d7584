# A newcomer's runs: 5 sizes x 5 token ratios, loss from a known law with 1% noise.
import random, math
random.seed(2026)
E, A, B, alpha, beta = 1.9, 400.0, 410.0, 0.34, 0.28
print("N,D,loss")
for n in [50e6, 100e6, 200e6, 400e6, 800e6]:
    for ratio in [5, 10, 20, 40, 80]:
        d = n * ratio
        l = (E + A / n**alpha + B / d**beta) * math.exp(random.gauss(0, 0.01))
        print(f"{n:.3g},{d:.3g},{l:.4f}")
