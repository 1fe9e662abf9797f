"""Portal submissions under load (issue 15, measure 3), from a load generator on loopback.

Each virtual client walks the portal as a phone would (open the link, the welcome page,
PHQ-9 and GAD-7 one step each, the review page) and then submits. The walks are made
first, untimed; then `threads` clients at once send the final submits for up to the set
duration, and each submit is timed from request to last byte. Afterwards the database
is counted: every acknowledged submit (302 to the thank-you page) must have stored
exactly its two assessments, and nothing else may have been stored.

A short calibration round first measures the rate, so the run walks about as many
sessions as the set duration needs (each walk is seven requests).
"""

import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from bench.server import Browser

PORTAL_CSRF = re.compile(r'name="portal_csrf" value="([^"]+)"')
INSTRUMENTS = ("phq9", "gad7")
ITEMS = {"phq9": 9, "gad7": 7}
CALIBRATION = 32  # sessions submitted to estimate the rate (two per client thread)
THREADS = 16
Walked = list[tuple[Browser, str]]  # portal clients at their review page, with form tokens


@dataclass(frozen=True)
class PortalLoad:
    submitted: int  # final submits sent
    acknowledged: int  # answered 302 to the thank-you page
    errors: int  # anything else (5xx, refused, connection errors)
    seconds: float  # the timed phase
    p50_ms: float
    p99_ms: float
    walk_rate: float  # walks per second in the untimed phase (seven requests each)
    stored: int  # portal assessments counted in the database afterwards
    expected: int  # acknowledged submits (calibration included) x instruments
    threads: int

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0


def _answers(count: int, seed: int) -> dict[str, str]:
    """A plausible answer set: item values 0-3, item 9 of PHQ-9 left at 0 (no risk alert
    flood; risk paths are tested elsewhere)."""
    values = {f"item_{n}": str((seed + n) % 4) for n in range(1, count + 1)}
    if count == ITEMS["phq9"]:
        values["item_9"] = "0"
    return values


def walk(port: int, token: str, seed: int) -> tuple[Browser, str]:
    """Walk one invitation up to its review page; return the client and its form token."""
    browser = Browser(port)
    steps = [("GET", f"/p/o/{token}", 302), ("GET", "/p/start", 200)]
    for method, path, status in steps:
        answer = browser.request(method, path)
        if answer.status != status:
            raise RuntimeError(f"{method} {path} answered {answer.status}")
    csrf = ""
    for step, code in enumerate(INSTRUMENTS, start=1):
        page = browser.request("GET", f"/p/answer/{step}")
        found = PORTAL_CSRF.search(page.body.decode())
        if page.status != 200 or found is None:
            raise RuntimeError(f"step {step} answered {page.status} without a form")
        csrf = found.group(1)
        form = {"portal_csrf": csrf, **_answers(ITEMS[code], seed)}
        answer = browser.request("POST", f"/p/answer/{step}", form)
        if answer.status != 302:
            raise RuntimeError(f"step {step} POST answered {answer.status}")
    review = browser.request("GET", "/p/review")
    if review.status != 200:
        raise RuntimeError(f"the review page answered {review.status}")
    return browser, csrf


def _walk_all(port: int, tokens: list[str], threads: int) -> tuple[Walked, float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        walked = list(pool.map(lambda pair: walk(port, pair[1], pair[0]), enumerate(tokens)))
    return walked, time.perf_counter() - start


def _submit_all(
    sessions: Walked, threads: int, seconds: float | None
) -> tuple[list[float], int, int, float]:
    """Send the final submits, `threads` at a time, until done or `seconds` have passed.
    Returns the acknowledged submits' times, how many were sent, errors, elapsed."""
    queue: Iterator[tuple[Browser, str]] = iter(sessions)
    lock = threading.Lock()
    times: list[float] = []
    counts = {"sent": 0, "errors": 0}
    start = time.perf_counter()
    deadline = None if seconds is None else start + seconds

    def client() -> None:
        while True:
            with lock:
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                item = next(queue, None)
                if item is None:
                    return
                counts["sent"] += 1
            browser, csrf = item
            try:
                answer = browser.request("POST", "/p/review", {"portal_csrf": csrf})
                ok = answer.status == 302
            except OSError:
                ok = False
            with lock:
                if ok:
                    times.append(answer.seconds)
                else:
                    counts["errors"] += 1

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return times, counts["sent"], counts["errors"], time.perf_counter() - start


def run_portal_load(
    port: int,
    make_tokens: Callable[[int], list[str]],
    count_stored: Callable[[], int],
    seconds: float,
    threads: int = THREADS,
) -> PortalLoad:
    """Calibrate, walk enough sessions for `seconds` of submits, submit them, count."""
    calibration, _walk_seconds = _walk_all(port, make_tokens(CALIBRATION), threads)
    calibrated, _sent, calibration_errors, elapsed = _submit_all(calibration, threads, None)
    if calibration_errors:
        raise RuntimeError(f"{calibration_errors} of {CALIBRATION} calibration submits failed")
    rate = len(calibrated) / elapsed if elapsed else 1.0
    needed = max(threads, math.ceil(rate * seconds * 1.2))
    sessions, walk_seconds = _walk_all(port, make_tokens(needed), threads)
    times, sent, errors, elapsed = _submit_all(sessions, threads, seconds)
    values = np.array(times) * 1000 if times else np.array([0.0])
    return PortalLoad(
        submitted=sent,
        acknowledged=len(times),
        errors=errors,
        seconds=elapsed,
        p50_ms=float(np.percentile(values, 50)),
        p99_ms=float(np.percentile(values, 99)),
        walk_rate=len(sessions) / walk_seconds if walk_seconds else 0.0,
        stored=count_stored(),
        expected=(len(calibrated) + len(times)) * len(INSTRUMENTS),
        threads=threads,
    )
