"""How numbers appear in explanations and summaries."""

from strides.progress.change import RCI_CRITICAL, ReliableChange


def format_score(value: float, decimals: int = 1) -> str:
    """A score as a therapist reads it: 14 -> "14", 12.14 -> "12.1", -2.0 -> "-2"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 22 -> "22nd"."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def functional_side_words(lower_is_better: bool) -> str:
    """Where a functional score lies from the cut-off: a score on it counts on the high
    side (CLINICAL.md section 4), so "below 10" for PHQ-9 but "at or above 13" for WHO-5."""
    return "below" if lower_is_better else "at or above"


def describe_change(rc: ReliableChange) -> str:
    """The change and the rule that judged it, e.g. "a change of -7 points; reliable at 6"."""
    change = f"{'+' if rc.change > 0 else ''}{format_score(rc.change)}"
    if rc.rci is None:
        return (
            f"a change of {change} points; reliable change is {format_score(rc.threshold)} points"
        )
    return (
        f"a change of {change} points, RCI {rc.rci:+.2f}; reliable beyond "
        f"±{format_score(RCI_CRITICAL, 2)}"
    )


def change_evidence(rc: ReliableChange) -> dict[str, str | int | float]:
    """The numbers behind a reliable-change judgement, for an event's evidence."""
    evidence: dict[str, str | int | float] = {
        "intake": rc.pre,
        "score": rc.post,
        "change": rc.change,
        "reliable_change_points": rc.threshold,
    }
    if rc.rci is not None:
        evidence["rci"] = rc.rci
    return evidence


# The outcome of a change in plain words, most specific first: the Jacobson & Truax
# category where the measure has a cut-off, else the reliable-change direction.
CATEGORY_WORDS = {
    "recovered": "reliable recovery",
    "improved": "reliable improvement",
    "unchanged": "no reliable change yet",
    "deteriorated": "reliably worse",
    "harmed": "reliably worse and now above the cut-off",
}
DIRECTION_WORDS = {
    "improved": "reliable improvement",
    "unchanged": "no reliable change yet",
    "deteriorated": "reliably worse",
}


def key_change(
    *,
    name: str,
    first: float,
    latest: float,
    count: int,
    category: str | None,
    direction: str | None,
) -> str:
    """The change a therapist says first: "PHQ-9 17 → 7: reliable recovery"."""
    if count < 2:
        return f"{name} {format_score(first)}: the first score, the baseline"
    words = CATEGORY_WORDS.get(category or "") or DIRECTION_WORDS.get(direction or "")
    numbers = f"{name} {format_score(first)} → {format_score(latest)}"
    return f"{numbers}: {words}" if words else numbers
