"""Time `clinic_outcomes` against a bare SQL scan of the same rows (the Performance
issue's floor for the outcome pages).

    STRIDES_VAR_DIR=$(mktemp -d) .venv/bin/python -m bench.clinic_outcomes --scale 0.02

Migrates the (empty) database that STRIDES_VAR_DIR or STRIDES_DATABASE_URL points at,
bulk-loads the synthetic network, then prints the best time of each and their ratio. It
asserts nothing about time.
"""

import argparse
import os
import time
from dataclasses import dataclass

from tqdm import tqdm


@dataclass(frozen=True)
class OutcomesTiming:
    rows: int  # rows the bare scan read (ended episodes, their sessions, their measures)
    courses: int  # finished courses in the figures
    bare_ms: float
    outcomes_ms: float

    @property
    def ratio(self) -> float:
        return self.outcomes_ms / self.bare_ms if self.bare_ms else float("inf")


def measure(*, repeats: int = 5, progress_bar: bool = False) -> OutcomesTiming:
    """Best of `repeats` for each, over all time, against the current database."""
    from django.utils import timezone

    from strides.clinic_outcomes.periods import period_for
    from strides.clinic_outcomes.selectors import bare_scan, clinic_outcomes

    period = period_for("all", today=timezone.localdate())
    bare, full = [], []
    rows = courses = 0
    for _ in tqdm(range(repeats), desc="clinic outcomes", unit="run", disable=not progress_bar):
        start = time.perf_counter()
        rows = bare_scan(period)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        courses = clinic_outcomes(period).finished
        full.append(time.perf_counter() - start)
    return OutcomesTiming(rows, courses, min(bare) * 1000, min(full) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strides.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.network import NetworkSize, build_network

    call_command("migrate", interactive=False, verbosity=0)
    build_network(NetworkSize.scaled(args.scale))
    timing = measure(repeats=args.repeats, progress_bar=True)
    print(
        f"clinic outcomes: {timing.courses} finished courses from {timing.rows} rows; "
        f"bare scan {timing.bare_ms:.1f} ms, clinic_outcomes {timing.outcomes_ms:.1f} ms "
        f"({timing.ratio:.2f}x the scan)"
    )


if __name__ == "__main__":
    main()
