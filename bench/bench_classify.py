"""Time classify_many on a caseload-sized batch against a Python loop over the scalar rule.

    .venv/bin/python bench/bench_classify.py [--pairs 1000000] [--sample 20000] [--repeats 5]

Prints the figures and the speed-up; it asserts nothing about time.
"""

import argparse
import time

import numpy as np
from tqdm import tqdm

from strides.progress import classify_many, clinical_significance

CUTOFF = 10.0  # PHQ-9
THRESHOLD = 6.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    pre = rng.integers(0, 28, args.pairs).astype(np.float64)
    post = rng.integers(0, 28, args.pairs).astype(np.float64)

    vector_times = []
    for _ in tqdm(range(args.repeats), desc="classify_many", unit="run"):
        start = time.perf_counter()
        codes = classify_many(pre, post, cutoff=CUTOFF, threshold=THRESHOLD)
        vector_times.append(time.perf_counter() - start)
    vector_best = min(vector_times)

    sample = min(args.sample, args.pairs)
    start = time.perf_counter()
    scalar_codes = [
        clinical_significance(float(a), float(b), cutoff=CUTOFF, threshold=THRESHOLD).code
        for a, b in tqdm(
            zip(pre[:sample], post[:sample], strict=True),
            total=sample,
            desc="scalar loop",
            unit="pair",
        )
    ]
    scalar_per_pair = (time.perf_counter() - start) / sample
    if not np.array_equal(codes[:sample], np.array(scalar_codes, dtype=np.int8)):
        raise SystemExit("classify_many disagrees with clinical_significance on the sample")

    scalar_total = scalar_per_pair * args.pairs
    print(
        f"classify_many: {args.pairs:,} pairs in {vector_best * 1000:.1f} ms "
        f"(best of {args.repeats})"
    )
    print(
        f"scalar loop:   {scalar_per_pair * 1e6:.2f} µs a pair over {sample:,} pairs, "
        f"about {scalar_total:.1f} s for {args.pairs:,}"
    )
    print(f"speed-up: {scalar_total / vector_best:,.0f}x, same answers on the sample")


if __name__ == "__main__":
    main()
