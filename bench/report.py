"""The benchmark's table, printed and written to bench/RESULTS.md with the machine and date."""

import os
import platform
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.suite import (
    CLASSIFY_BUDGET,
    CLASSIFY_REPEATS,
    PAGE_BUDGET,
    ClassifyResult,
    DatabaseRun,
    Timing,
)

PDF_BUDGET_SECONDS = 1.5
OUTCOMES_BUDGET = 3.0
PORTAL_RATE_BUDGET = 300.0  # submissions per second
PORTAL_P99_BUDGET_MS = 250.0
RSS_BUDGET_MB = 250.0


def _ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("inf")


def _verdict(ok: bool) -> str:
    return "holds" if ok else "**misses**"


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def _timing(t: Timing) -> str:
    return f"{t.p50_ms:,.1f} / {t.p95_ms:,.1f}"


def database_table(run: DatabaseRun) -> list[str]:
    counts = run.counts
    lines = [
        f"### {run.database}",
        "",
        f"Network: {counts['clients']:,} clients, {counts['episodes']:,} episodes, "
        f"{counts['assessments']:,} assessments, {counts['appointments']:,} appointments, "
        f"{counts['alerts']:,} alerts, {counts['milestones']:,} milestones, "
        f"{counts['therapists']:,} therapists; loaded in {run.load_seconds:,.0f} s.",
        "",
        f"Floor `/healthz`: p50 / p95 {_timing(run.floor)} ms.",
        "",
        "| page | p50 / p95 ms | p50 x floor | p95 x floor | queries | KB | budget p95 ≤ 5x |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in run.pages:
        p50 = _ratio(page.timing.p50_ms, run.floor.p50_ms)
        p95 = _ratio(page.timing.p95_ms, run.floor.p95_ms)
        lines.append(
            f"| {page.label} | {_timing(page.timing)} | {p50:,.1f}x | {p95:,.1f}x | "
            f"{page.queries} | {page.kilobytes:,.0f} | {_verdict(p95 <= PAGE_BUDGET)} |"
        )
    small, large = run.pages[0].queries, run.pages[1].queries
    lines += [
        "",
        f"Query count independent of caseload size: {_verdict(small == large)} "
        f"({small} queries at {run.size.small_caseload:,} clients, "
        f"{large} at {run.size.large_caseload:,}).",
    ]
    if run.pdf_seconds is not None:
        ok = run.pdf_seconds <= PDF_BUDGET_SECONDS
        lines.append(
            f"PDF report of the client-page case (record, best of 3): {run.pdf_seconds:,.2f} s; "
            f"budget ≤ {PDF_BUDGET_SECONDS:g} s: {_verdict(ok)}."
        )
    if run.outcomes is not None:
        o = run.outcomes
        lines.append(
            f"Clinic outcomes over all time ({o.courses:,} finished courses): "
            f"{o.outcomes_ms:,.1f} ms against a bare scan of the same {o.rows:,} rows in "
            f"{o.bare_ms:,.1f} ms = {o.ratio:,.2f}x; budget ≤ {OUTCOMES_BUDGET:g}x: "
            f"{_verdict(o.ratio <= OUTCOMES_BUDGET)}."
        )
    if run.worker_rss_mb:
        rss = ", ".join(f"{mb:,.0f}" for mb in run.worker_rss_mb)
        lines.append(f"Resident memory per app worker after the page runs: {rss} MB.")
    lines += _portal_lines(run)
    if not run.growth:
        return [*lines, "", "Growth: not measured in this run (`--no-growth`).", ""]
    lines += [
        "",
        "Growth (caseload p50, ratio to the floor of the same server; clinic outcomes, "
        "ratio to the bare scan):",
        "",
        "| data | clients | assessments | fixed caseload | caseload growing with the data "
        "| clinic outcomes vs bare scan |",
        "|---|---|---|---|---|---|",
    ]
    for point in run.growth:
        fixed = _ratio(point.small.p50_ms, point.floor.p50_ms)
        grows = _ratio(point.large.p50_ms, point.floor.p50_ms)
        lines.append(
            f"| {point.factor}x | {point.size.clients:,} | {point.size.assessments:,} | "
            f"{point.size.small_caseload:,}: {point.small.p50_ms:,.1f} ms ({fixed:,.1f}x) | "
            f"{point.size.large_caseload:,}: {point.large.p50_ms:,.1f} ms ({grows:,.1f}x) | "
            f"{point.outcomes.outcomes_ms:,.1f} ms ({point.outcomes.ratio:,.2f}x) |"
        )
    return [*lines, ""]


def _portal_lines(run: DatabaseRun) -> list[str]:
    portal = run.portal
    if portal is None:
        return []
    rate_ok = portal.rate >= PORTAL_RATE_BUDGET
    p99_ok = portal.p99_ms <= PORTAL_P99_BUDGET_MS
    whole = portal.errors == 0 and portal.stored == portal.expected
    rss = ", ".join(f"{mb:,.0f}" for mb in run.rss_after_portal_mb)
    rss_ok = bool(run.rss_after_portal_mb) and max(run.rss_after_portal_mb) <= RSS_BUDGET_MB
    return [
        "",
        f"Portal load ({portal.threads} clients at once, final submits after untimed walks "
        f"of seven requests each at {portal.walk_rate:,.1f} walks/s): "
        f"{portal.acknowledged:,} of {portal.submitted:,} submits acknowledged in "
        f"{portal.seconds:,.1f} s = **{portal.rate:,.1f} submissions/s** "
        f"(budget ≥ {PORTAL_RATE_BUDGET:g}/s: {_verdict(rate_ok)}); p50 / p99 "
        f"{portal.p50_ms:,.1f} / {portal.p99_ms:,.1f} ms (budget p99 ≤ "
        f"{PORTAL_P99_BUDGET_MS:g} ms: {_verdict(p99_ok)}); {portal.errors} errors; "
        f"counted afterwards {portal.stored:,} portal assessments for {portal.expected:,} "
        f"expected: {_verdict(whole)}.",
        f"Resident memory per app worker after the portal run: {rss} MB "
        f"(budget ≤ {RSS_BUDGET_MB:g} MB: {_verdict(rss_ok)}).",
    ]


def render(
    runs: Sequence[DatabaseRun], classify: ClassifyResult, command: str, requests: int
) -> str:
    ratio = _ratio(classify.classify_ms, classify.numpy_pass_ms)
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Each page: {requests} timed requests after 3 warm-up ones, round-robin with the "
        "floor (`/healthz`, anonymous) on the same `strides serve` (gunicorn, 2 workers, "
        "debug off); time from request to last byte over loopback.",
        "",
    ]
    for run in runs:
        lines += database_table(run)
    lines += [
        "### Engine and features",
        "",
        "| measure | figure | budget |",
        "|---|---|---|",
        f"| `classify_many`, {classify.pairs:,} pairs vs one numpy pass (a subtraction), "
        f"best of {CLASSIFY_REPEATS} each "
        f"| {classify.classify_ms:,.1f} ms vs {classify.numpy_pass_ms:,.2f} ms = {ratio:,.1f}x "
        f"| ≤ {CLASSIFY_BUDGET:g}x: {_verdict(ratio <= CLASSIFY_BUDGET)} |",
    ]
    return "\n".join([*lines, ""])
