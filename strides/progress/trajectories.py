"""Expected treatment response, "not on track" and trends (CLINICAL.md section 7).

    expected(t) = y0 + b(y0)·ln(t)     t = 1 at intake, so expected(1) = y0
    b(y0)       = beta0 + beta1·y0
    band(t)     = z·sigma for t > 1, and 0 at intake (the curve starts at the intake score)

A series is a sequence of (session number, score). The intake is the earliest score and
t counts sessions from it: t = session - intake session + 1, so a series whose first
score was taken at session 2 is tracked from there.
"""

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np

from strides.progress.change import clinical_significance
from strides.progress.validation import require_finite
from strides.progress.wording import format_score, functional_side_words, ordinal

Status = Literal["on_track", "not_on_track", "too_early", "recovered"]
Series = Sequence[tuple[int, float]]

DEFAULT_Z = 1.645  # one-tailed 90 %
# "too_early": a client is judged against the curve only with at least this many scores
# and from this session (counted from intake) on; one or two sessions say little.
TRACKING_MIN_SCORES = 2
TRACKING_MIN_SESSION = 3
# calibrate() refuses to fit on fewer finished episodes than this (CLINICAL.md: "say 50").
CALIBRATION_MIN_EPISODES = 50


@dataclass(frozen=True)
class TrajectoryParams:
    beta0: float
    beta1: float
    sigma: float  # SD of scores around the expected curve after intake
    z: float = DEFAULT_Z
    source: str = ""  # where the numbers come from, shown next to the chart

    def __post_init__(self) -> None:
        for name in ("beta0", "beta1", "sigma", "z"):
            require_finite(getattr(self, name), name)
        if self.sigma < 0:
            raise ValueError(f"sigma cannot be negative, got {self.sigma}")
        if self.z <= 0:
            raise ValueError(f"z must be positive, got {self.z}")


@dataclass(frozen=True)
class PublishedCourse:
    """Aggregate figures of a published course of treatment, from which a default curve
    is derived: mean first and last scores, the SD of the last scores, and the mean
    number of sessions from intake to the last score."""

    first_mean: float
    last_mean: float
    last_sd: float
    sessions: float
    source: str


def trajectory_from_course(course: PublishedCourse, *, z: float = DEFAULT_Z) -> TrajectoryParams:
    """The expected curve through the published means (docs/progress.md section 5).

    With beta0 = 0 the curve is a proportional reduction: expected(t) = y0·(1 + beta1·ln t).
    It passes through the published last mean at the mean number of sessions when
    beta1 = (last_mean - first_mean) / (first_mean · ln(sessions)); sigma is the
    published SD of the last scores.
    """
    for name in ("first_mean", "last_mean", "last_sd", "sessions"):
        require_finite(getattr(course, name), name)
    if course.first_mean <= 0 or course.sessions <= 1:
        raise ValueError("a published course needs a positive first mean and more than 1 session")
    beta1 = (course.last_mean - course.first_mean) / (course.first_mean * math.log(course.sessions))
    return TrajectoryParams(beta0=0.0, beta1=beta1, sigma=course.last_sd, z=z, source=course.source)


# The published figures behind the defaults (docs/progress.md section 5 shows the
# arithmetic; each instrument's definition file cites the same source). Mean number of
# sessions: 6.9 treatment sessions per finished course (NHS Digital, Psychological
# Therapies: Annual report on the use of IAPT services 2019-20). First and last means
# and the SD of the last scores: the CBT arm of the COBRA trial (Richards et al. 2016,
# Lancet 388:871-880, table 2), whose later score is the 12-month follow-up rather than
# the last session: verify against NHS Talking Therapies first and last means before
# calling these final. No CORE-10 first and last figures were confirmed, so CORE-10 has
# no default curve until a practice calibrates one.
MEAN_SESSIONS = 6.9
_SOURCE = (
    "Published figures, verify: {name} {first} (first) to {last} (SD {sd}) in the CBT arm "
    "of the COBRA trial (Richards et al. 2016, 12-month scores), over the 6.9 mean "
    "treatment sessions of NHS Talking Therapies 2019-20. Recalibrate on 50+ finished "
    "episodes."
)
PUBLISHED_COURSES: Mapping[str, PublishedCourse] = MappingProxyType(
    {
        code: PublishedCourse(
            first_mean=first,
            last_mean=last,
            last_sd=sd,
            sessions=MEAN_SESSIONS,
            source=_SOURCE.format(name=name, first=first, last=last, sd=sd),
        )
        for code, name, first, last, sd in (
            ("phq9", "PHQ-9", 17.4, 8.4, 7.5),
            ("gad7", "GAD-7", 12.6, 6.3, 6.0),
        )
    }
)
DEFAULT_TRAJECTORIES: Mapping[str, TrajectoryParams] = MappingProxyType(
    {code: trajectory_from_course(course) for code, course in PUBLISHED_COURSES.items()}
)
# Said on the chart and in the status of a measure without expected-curve parameters.
NO_EXPECTED_CURVE = "No expected curve for this measure"


def expected_slope(intake: float, params: TrajectoryParams) -> float:
    """b(y0) = beta0 + beta1·y0: points per unit of ln(session)."""
    return params.beta0 + params.beta1 * intake


def expected_score(intake: float, session: int, params: TrajectoryParams) -> float:
    """Expected score at `session`, counted from intake (1 = intake)."""
    require_finite(intake, "intake")
    _require_session(session)
    return intake + expected_slope(intake, params) * math.log(session)


def band(session: int, params: TrajectoryParams) -> float:
    """Half-width of the expected band at `session` (counted from intake): z·sigma, 0 at intake."""
    _require_session(session)
    return 0.0 if session == 1 else params.z * params.sigma


@dataclass(frozen=True)
class TrackStatus:
    status: Status
    intake: float
    session: int  # session number of the latest score, as given
    observed: float  # latest score
    expected: float
    band: float  # half-width: the band runs from expected - band to expected + band
    explanation: str


def track_status(
    series: Series,
    params: TrajectoryParams,
    *,
    cutoff: float | None,
    sd: float | None = None,
    reliability: float | None = None,
    threshold: float | None = None,
    lower_is_better: bool = True,
) -> TrackStatus:
    """Is the latest score where the expected curve says it should be?

    In order: "recovered" when the latest score is on the functional side of `cutoff`
    after an intake on the clinical side and the change is reliable improvement (needs
    a cut-off and a reliable-change rule); "too_early" with fewer than
    TRACKING_MIN_SCORES scores or before session TRACKING_MIN_SESSION; "not_on_track"
    when the latest score is beyond the band on the worse side (lower better: observed >
    expected + band); otherwise "on_track".
    """
    points = validated_series(series)
    if not points:
        raise ValueError("the series has no scores to track")
    intake_session, intake = points[0]
    session, observed = points[-1]
    t = session - intake_session + 1
    expected = expected_score(intake, t, params)
    half = band(t, params)
    limit = expected + half if lower_is_better else expected - half
    worse_side = "above" if lower_is_better else "below"
    reach = "up to" if lower_is_better else "down to"

    recovered = (
        cutoff is not None
        and len(points) >= 2
        and clinical_significance(
            intake,
            observed,
            cutoff=cutoff,
            sd=sd,
            reliability=reliability,
            threshold=threshold,
            lower_is_better=lower_is_better,
        ).category
        == "recovered"
    )
    beyond_band = observed > limit if lower_is_better else observed < limit

    status: Status
    if recovered and cutoff is not None:
        status = "recovered"
        better_side = functional_side_words(lower_is_better)
        verdict = (
            f"the client has recovered ({better_side} the cut-off of {format_score(cutoff)} "
            "after starting on the clinical side, and reliably improved)"
        )
    elif len(points) < TRACKING_MIN_SCORES or t < TRACKING_MIN_SESSION:
        status = "too_early"
        verdict = (
            f"it is too early to judge (tracking starts at the "
            f"{ordinal(TRACKING_MIN_SESSION)} session from intake, with at least "
            f"{TRACKING_MIN_SCORES} scores)"
        )
    elif beyond_band:
        status = "not_on_track"
        verdict = f"the client is not on track ({worse_side} the band)"
    else:
        status = "on_track"
        verdict = "the client is on track"
    explanation = (
        f"At session {session} the score is {format_score(observed)}; from an intake of "
        f"{format_score(intake)} the expected score is {format_score(expected)} with a band "
        f"of ±{format_score(half)} ({reach} {format_score(limit)}), "
        f"so {verdict}."
    )
    return TrackStatus(
        status=status,
        intake=intake,
        session=session,
        observed=observed,
        expected=expected,
        band=half,
        explanation=explanation,
    )


@dataclass(frozen=True)
class Trend:
    """Least-squares slope of score on session number: points per session."""

    slope: float | None  # None with fewer than 2 scores
    standard_error: float | None  # None with fewer than 3 scores
    points: int


def trend(series: Series) -> Trend:
    points = validated_series(series)
    if len(points) < 2:
        return Trend(slope=None, standard_error=None, points=len(points))
    sessions = np.array([s for s, _ in points], dtype=np.float64)
    scores = np.array([y for _, y in points], dtype=np.float64)
    centred = sessions - sessions.mean()
    sxx = float(centred @ centred)
    slope = float(centred @ (scores - scores.mean())) / sxx
    if len(points) < 3:
        return Trend(slope=slope, standard_error=None, points=len(points))
    residuals = scores - scores.mean() - slope * centred
    variance = float(residuals @ residuals) / (len(points) - 2)
    return Trend(slope=slope, standard_error=math.sqrt(variance / sxx), points=len(points))


def calibrate(
    episodes: Iterable[Series],
    *,
    min_episodes: int = CALIBRATION_MIN_EPISODES,
    z: float = DEFAULT_Z,
) -> TrajectoryParams:
    """Refit beta0, beta1 and sigma on a practice's finished episodes.

    For each episode with at least two scores: the least-squares slope of score on
    ln(t). The slopes are regressed on intake (slope = beta0 + beta1·intake), and sigma is the
    residual SD of every post-intake score around its expected curve with the fitted
    beta0 and beta1 (n - 2 degrees of freedom).
    """
    if min_episodes < 3:
        raise ValueError(
            f"min_episodes must be at least 3 to fit two parameters, got {min_episodes}"
        )
    given = 0
    usable: list[list[tuple[int, float]]] = []
    for index, episode in enumerate(episodes):
        given += 1
        try:
            points = validated_series(episode)
        except ValueError as error:
            raise ValueError(f"episode {index}: {error}") from None
        if len(points) >= 2:
            usable.append(points)
    if len(usable) < min_episodes:
        raise ValueError(
            f"calibration needs at least {min_episodes} finished episodes with two or more "
            f"scores, so that one unusual client cannot move the curve; only {len(usable)} "
            f"of the {given} episodes given have them"
        )

    intakes = np.empty(len(usable))
    slopes = np.empty(len(usable))
    log_t: list[np.ndarray] = []
    for i, points in enumerate(usable):
        x = np.log([s - points[0][0] + 1 for s, _ in points])
        y = np.array([score for _, score in points])
        xc = x - x.mean()
        intakes[i] = y[0]
        slopes[i] = float(xc @ (y - y.mean())) / float(xc @ xc)
        log_t.append(x)
    intake_c = intakes - intakes.mean()
    if not np.any(intake_c):
        raise ValueError(
            "every episode has the same intake score, so the slope cannot be related to intake"
        )
    beta1 = float(intake_c @ (slopes - slopes.mean())) / float(intake_c @ intake_c)
    beta0 = float(slopes.mean() - beta1 * intakes.mean())

    squares = 0.0
    count = 0
    for points, x, intake in zip(usable, log_t, intakes, strict=True):
        y = np.array([score for _, score in points[1:]])
        residuals = y - (intake + (beta0 + beta1 * intake) * x[1:])
        squares += float(residuals @ residuals)
        count += len(residuals)
    sigma = math.sqrt(squares / (count - 2))  # count >= episodes >= 3
    return TrajectoryParams(
        beta0=beta0,
        beta1=beta1,
        sigma=sigma,
        z=z,
        source=f"calibrated on {len(usable)} finished episodes ({count} post-intake scores)",
    )


def validated_series(series: Series) -> list[tuple[int, float]]:
    """The series sorted by session, refusing bad sessions, bad scores and repeated sessions."""
    points: list[tuple[int, float]] = []
    for session, score in series:
        _require_session(session)
        require_finite(score, "score")
        points.append((session, float(score)))
    points.sort(key=lambda point: point[0])
    for (first, _), (second, _) in itertools.pairwise(points):
        if first == second:
            raise ValueError(f"session {first} appears twice; give one score per session")
    return points


def _require_session(session: int) -> None:
    if isinstance(session, bool) or not isinstance(session, int | np.integer) or session < 1:
        raise ValueError(f"a session number must be a whole number from 1, got {session!r}")
