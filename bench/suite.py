"""The benchmark run: build each network, serve it, time the pages against the floor.

Every time is reported with its ratio to `/healthz` measured on the same server in the
same run (round-robin with the pages), because absolute times drift on shared machines.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bench.clinic_outcomes import OutcomesTiming
from bench.network import BENCH_PASSWORD, NetworkSize
from bench.portal_load import PortalLoad, run_portal_load
from bench.server import Browser, serving, worker_rss_mb
from strides.progress import classify_many

GROWTH_FACTORS = (1, 4, 16)  # the main network is the 16x point
PAGE_BUDGET = 5.0  # p95 at most 5x the floor's p95
CLASSIFY_BUDGET = 3.0
CLASSIFY_PAIRS = 1_000_000


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p95_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> "Timing":
        values = np.array(seconds) * 1000
        return cls(float(np.percentile(values, 50)), float(np.percentile(values, 95)))


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    user: str  # "small" or "large"
    path: str


@dataclass
class PageResult:
    label: str
    timing: Timing
    queries: int
    kilobytes: float


@dataclass
class GrowthPoint:
    factor: int
    size: NetworkSize
    floor: Timing
    small: Timing
    large: Timing
    outcomes: OutcomesTiming


@dataclass
class DatabaseRun:
    database: str
    size: NetworkSize
    counts: dict[str, int]
    load_seconds: float
    floor: Timing
    pages: list[PageResult]
    worker_rss_mb: list[float]
    growth: list[GrowthPoint] = field(default_factory=list)
    pdf_seconds: float | None = None  # one PDF report of the client-page case, best of 3
    outcomes: OutcomesTiming | None = None
    portal: PortalLoad | None = None
    rss_after_portal_mb: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class ClassifyResult:
    pairs: int
    classify_ms: float
    numpy_pass_ms: float


@dataclass
class Target:
    """Where one network lives: a temporary var dir and, for PostgreSQL, a database
    created for the run and dropped after it."""

    database: str
    url_for: Callable[[Path, str], str]
    cleanup: Callable[[str], None]


def sqlite_target() -> Target:
    return Target(
        database="SQLite",
        url_for=lambda var_dir, _suffix: f"sqlite:///{var_dir / 'strides.sqlite3'}",
        cleanup=lambda _suffix: None,
    )


def postgres_target(url: str) -> Target:
    """Databases named after the URL's, with a suffix per network; refuses to reuse one."""
    import dj_database_url
    import psycopg

    base = str(dj_database_url.parse(url)["NAME"])
    if base in {"", "postgres", "template0", "template1", "test"}:
        raise ValueError(f"use a database name of your own for the benchmark, not {base!r}")
    server = url.split("?", 1)[0].rsplit("/", 1)[0]
    admin = f"{server}/postgres"
    created: set[str] = set()

    def url_for(_var_dir: Path, suffix: str) -> str:
        name = base + suffix
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists:
                raise ValueError(f"database {name!r} already exists; drop it or pick another name")
            connection.execute(f'CREATE DATABASE "{name}"')
        created.add(name)
        return f"{server}/{name}"

    def cleanup(suffix: str) -> None:
        name = base + suffix
        if name in created:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            created.discard(name)

    return Target(database="PostgreSQL", url_for=url_for, cleanup=cleanup)


@contextmanager
def network_env(target: Target, suffix: str) -> Iterator[dict[str, str]]:
    var_dir = Path(tempfile.mkdtemp(prefix="strides-bench-"))
    try:
        yield {
            "STRIDES_VAR_DIR": str(var_dir),
            "STRIDES_DATABASE_URL": target.url_for(var_dir, suffix),
            "STRIDES_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "strides.settings",
        }
    finally:
        target.cleanup(suffix)
        shutil.rmtree(var_dir, ignore_errors=True)


def _worker(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603  (this Python, our own module)
        [sys.executable, "-m", "bench.worker", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def _time_pages(
    port: int, loaded: dict[str, Any], pages: list[Page], requests: int, desc: str
) -> tuple[Timing, dict[str, Timing], dict[str, float]]:
    """Round-robin: each round times the floor and every page once."""
    browsers = {}
    for who in {page.user for page in pages}:
        browser = Browser(port)
        browser.sign_in(loaded["paths"]["login"], loaded["users"][who], BENCH_PASSWORD)
        browsers[who] = browser
    floor_browser = Browser(port)
    times: dict[str, list[float]] = {page.key: [] for page in pages}
    floor: list[float] = []
    sizes: dict[str, float] = {}
    warmup = 3
    for round_number in tqdm(range(warmup + requests), desc=desc, unit="round"):
        answer = floor_browser.request("GET", loaded["paths"]["healthz"], anonymous=True)
        if round_number >= warmup:
            floor.append(answer.seconds)
        for page in pages:
            answer = browsers[page.user].request("GET", page.path)
            if answer.status != 200:
                raise RuntimeError(f"{page.label}: {page.path} answered {answer.status}")
            if round_number >= warmup:
                times[page.key].append(answer.seconds)
            sizes[page.key] = len(answer.body) / 1024
    return Timing.of(floor), {k: Timing.of(v) for k, v in times.items()}, sizes


def _pages(loaded: dict[str, Any]) -> list[Page]:
    size = loaded["size"]
    paths = loaded["paths"]
    return [
        Page(
            "caseload_small",
            f"Caseload, {size['small_caseload']:,} clients",
            "small",
            paths["caseload"],
        ),
        Page(
            "caseload_large",
            f"Caseload, {size['large_caseload']:,} clients",
            "large",
            paths["caseload"],
        ),
        Page(
            "attention",
            f"Needs attention ({size['large_caseload']:,})",
            "large",
            paths["attention"],
        ),
        Page("wins", f"Wins this week ({size['large_caseload']:,})", "large", paths["wins"]),
        Page("client", "Client page, 3 instruments x 40", "small", paths["client"]),
    ]


def _load(env: dict[str, str], size: NetworkSize) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    loaded = _worker(env, "load", "--size", json.dumps(asdict(size)))
    return loaded, time.perf_counter() - start


def _portal(env: dict[str, str], port: int, seconds: float) -> PortalLoad:
    return run_portal_load(
        port,
        make_tokens=lambda count: _worker(env, "invitations", "--count", str(count))["tokens"],
        count_stored=lambda: int(_worker(env, "portal-count")["stored"]),
        seconds=seconds,
    )


def run_database(
    target: Target,
    size: NetworkSize,
    requests: int,
    growth_requests: int | None,
    portal_seconds: float,
) -> DatabaseRun:
    """Load, serve and time the network on one database, then the portal load run;
    `growth_requests=None` skips the smaller growth networks."""
    with network_env(target, "") as env:
        loaded, load_seconds = _load(env, size)
        pages = _pages(loaded)
        spec = [[p.key, loaded["users"][p.user], p.path] for p in pages]
        queries = _worker(env, "queries", "--pages", json.dumps(spec))["queries"]
        pdf = _worker(env, "pdf", "--client", str(loaded["client_page_id"]))["seconds"]
        outcomes = OutcomesTiming(**_worker(env, "outcomes"))
        with serving(env, Path(env["STRIDES_VAR_DIR"]) / "serve.log") as (port, master):
            floor, timings, sizes = _time_pages(
                port, loaded, pages, requests, f"{target.database}: pages"
            )
            rss = worker_rss_mb(master)
            portal = _portal(env, port, portal_seconds)
            rss_after_portal = worker_rss_mb(master)
    run = DatabaseRun(
        database=target.database,
        size=size,
        counts=loaded["counts"],
        load_seconds=load_seconds,
        floor=floor,
        pages=[PageResult(p.label, timings[p.key], queries[p.key], sizes[p.key]) for p in pages],
        worker_rss_mb=rss,
        pdf_seconds=pdf,
        outcomes=outcomes,
        portal=portal,
        rss_after_portal_mb=rss_after_portal,
    )
    if growth_requests is None:
        return run
    run.growth = [
        _growth_point(target, size, factor, growth_requests) for factor in GROWTH_FACTORS[:-1]
    ]
    main = {page.key: result for page, result in zip(pages, run.pages, strict=True)}
    run.growth.append(
        GrowthPoint(
            GROWTH_FACTORS[-1],
            size,
            floor,
            main["caseload_small"].timing,
            main["caseload_large"].timing,
            outcomes,
        )
    )
    return run


def growth_size(size: NetworkSize, factor: int) -> NetworkSize:
    """The network at factor/16 of `size`: the small caseload stays, the large one shrinks."""
    part = factor / GROWTH_FACTORS[-1]
    return replace(
        size,
        clients=max(20, round(size.clients * part)),
        episodes=max(20, round(size.episodes * part)),
        assessments=max(20, round(size.assessments * part)),
        large_caseload=max(2, round(size.large_caseload * part)),
    ).fitted()


def _growth_point(target: Target, size: NetworkSize, factor: int, requests: int) -> GrowthPoint:
    smaller = growth_size(size, factor)
    with network_env(target, f"_g{factor}") as env:
        loaded, _seconds = _load(env, smaller)
        outcomes = OutcomesTiming(**_worker(env, "outcomes"))
        pages = _pages(loaded)[:2]
        with serving(env, Path(env["STRIDES_VAR_DIR"]) / "serve.log") as (port, _master):
            floor, timings, _sizes = _time_pages(
                port, loaded, pages, requests, f"{target.database}: growth {factor}x"
            )
    return GrowthPoint(
        factor, smaller, floor, timings["caseload_small"], timings["caseload_large"], outcomes
    )


CLASSIFY_REPEATS = 21


def run_classify(pairs: int = CLASSIFY_PAIRS, repeats: int = CLASSIFY_REPEATS) -> ClassifyResult:
    """`classify_many` against one numpy pass (a subtraction) over the same two arrays,
    the best of `repeats` runs of each: a run of either takes 1-5 ms, within reach of a
    scheduler's hiccup on a shared machine."""
    rng = np.random.default_rng(0)
    pre = rng.integers(0, 28, pairs).astype(np.float64)
    post = rng.integers(0, 28, pairs).astype(np.float64)
    out = np.empty_like(pre)

    def best(run: Callable[[], object]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times) * 1000

    classify = best(lambda: classify_many(pre, post, cutoff=10.0, threshold=6.0))
    one_pass = best(lambda: np.subtract(post, pre, out=out))
    return ClassifyResult(pairs, classify, one_pass)
