"""Refreshing an episode's progress summary, milestones and alerts in one place.

Called inside the transaction of every change that moves progress (an assessment
recorded or corrected, an appointment attended, an episode ended, a goal rated), so a
risk alert exists exactly when the assessment that carries it does.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from strides.accounts.models import User
from strides.alerts.models import AlertStatus
from strides.alerts.services import alerts_sync
from strides.assessments.models import Assessment
from strides.audit.services import audit_record
from strides.clients.models import Appointment, AppointmentStatus, Episode
from strides.lib.svg import sparkline
from strides.milestones.services import milestones_sync
from strides.outcomes.history import load_history, session_number
from strides.outcomes.models import EpisodeProgress, TrajectoryCalibration
from strides.outcomes.rules import measure_rules, trajectory_params
from strides.progress import (
    EpisodeHistory,
    MeasureRule,
    TrajectoryParams,
    calibrate,
    detect_alerts,
    detect_milestones,
    summarise_measure,
    talking_therapies_outcome,
)

MAIN_INSTRUMENT_ORDER = ("phq9", "core10", "gad7")


def latest_bands(assessments: list[Assessment]) -> dict[str, str]:
    """The severity band of each instrument's latest scored assessment (oldest first in)."""
    return {a.instrument_code: a.band for a in assessments if a.total is not None}


def episode_measures(
    history: EpisodeHistory,
    rules: dict[str, MeasureRule],
    latest_band: Mapping[str, str],
    params: Mapping[str, TrajectoryParams],
) -> dict[str, dict[str, Any]]:
    summaries: dict[str, dict[str, Any]] = {}
    for code in history.instruments():
        scored = history.scored(code)
        if code not in rules or not scored:
            continue
        series = [(o.session, total) for o, total in scored]
        summary = summarise_measure(rules[code], series, params.get(code))
        summaries[code] = {
            **asdict(summary),
            "name": rules[code].name,
            "severity_band": latest_band.get(code, ""),
            "latest_on": scored[-1][0].when.isoformat(),
            "recent": list(summary.recent),
            "status": summary.status or "",  # "" when the measure has no expected curve
            # Drawn once here, so the caseload page shows it without drawing per request.
            "sparkline": sparkline(summary.recent, lower_is_better=rules[code].lower_is_better)
            if len(summary.recent) > 1
            else "",
        }
    return summaries


# The anxiety measure used when the episode's disorder-specific one has no scores
# (Clark et al. 2018, Table 2; CLINICAL.md section 5).
FALLBACK_ANXIETY_MEASURE = "gad7"


def talking_therapies_summary(
    *,
    anxiety_measure: str,
    ended: bool,
    measures: dict[str, dict[str, Any]],
    treatment_sessions: int,
) -> dict[str, Any] | None:
    """The paired-measures outcome from PHQ-9 and the episode's anxiety measure, falling
    back to GAD-7 when the disorder-specific measure has no first and last score. The
    stored outcome names the anxiety measure used and whether it was the fallback."""
    used = anxiety_measure
    if used not in measures:
        used = FALLBACK_ANXIETY_MEASURE
    phq9, anxiety = measures.get("phq9"), measures.get(used)
    if phq9 is None or anxiety is None:
        return None
    outcome = talking_therapies_outcome(
        phq9=(phq9["first"], phq9["latest"]),
        anxiety=(anxiety["first"], anxiety["latest"]),
        attended=treatment_sessions,
        anxiety_measure=used,
        ended=ended,
        deterioration=settings.STRIDES_TT_DETERIORATION,
    )
    return {
        **asdict(outcome),
        "anxiety_measure": used,
        "anxiety_measure_fallback": used != anxiety_measure,
        "treatment_sessions": treatment_sessions,
        "deterioration_rule": settings.STRIDES_TT_DETERIORATION,
    }


def main_instrument(measures: dict[str, dict[str, Any]]) -> str:
    """The measure the episode shows: the first one not on track, so the status agrees
    with the open not-on-track alert; otherwise the first of MAIN_INSTRUMENT_ORDER (then
    any) that has a status; else the first measure (whose explanation then says it has no
    expected curve)."""
    ordered = [code for code in MAIN_INSTRUMENT_ORDER if code in measures]
    ordered += [code for code in measures if code not in ordered]
    with_status = [code for code in ordered if measures[code]["status"]]
    off_track = [code for code in with_status if measures[code]["status"] == "not_on_track"]
    return (off_track or with_status or ordered or [""])[0]


@transaction.atomic
def progress_refresh(*, actor: User | None, episode: Episode) -> EpisodeProgress:
    """Recompute the summary, store any new milestones, and open, update or close the
    episode's alerts to match what holds now."""
    loaded = load_history(episode)
    history = loaded.history
    rules = measure_rules()
    params = trajectory_params()
    milestones_sync(actor=actor, episode=episode, detected=detect_milestones(history, rules))
    alerts_sync(
        actor=actor,
        episode=episode,
        reading=detect_alerts(history, rules, trajectory_params=params),
    )
    measures = episode_measures(history, rules, latest_bands(loaded.assessments), params)
    main = main_instrument(measures)
    open_alerts = episode.alerts.filter(status=AlertStatus.OPEN)
    progress, _created = EpisodeProgress.objects.update_or_create(
        episode=episode,
        defaults={
            "refreshed_at": timezone.now(),
            "last_assessed_on": loaded.assessments[-1].taken_on if loaded.assessments else None,
            "main_instrument": main,
            "status": measures[main]["status"] if main else "",
            "status_explanation": measures[main]["explanation"] if main else "",
            "measures": measures,
            "talking_therapies": talking_therapies_summary(
                anxiety_measure=episode.anxiety_measure,
                ended=episode.end is not None,
                measures=measures,
                treatment_sessions=history.treatment_sessions,
            ),
            "open_alerts": open_alerts.count(),
            "has_open_risk": open_alerts.filter(immediate=True).exists(),
        },
    )
    return progress


def finished_series(instrument: str) -> list[list[tuple[int, float]]]:
    """(session, score) series of the instrument in every ended episode with 2+ scores,
    read with two queries however many episodes there are."""
    attended: dict[int, list[date]] = defaultdict(list)
    for episode_id, at in (
        Appointment.objects.filter(episode__end__isnull=False, status=AppointmentStatus.ATTENDED)
        .order_by("at")
        .values_list("episode_id", "at")
    ):
        attended[episode_id].append(at.date())
    scores: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for episode_id, taken_on, total in (
        Assessment.objects.filter(
            episode__end__isnull=False,
            is_current=True,
            instrument_code=instrument,
            total__isnull=False,
        )
        .order_by("episode_id", "taken_on", "id")
        .values_list("episode_id", "taken_on", "total")
    ):
        if total is not None:
            scores[episode_id].append((session_number(attended[episode_id], taken_on), total))
    return [series for series in scores.values() if len(series) >= 2]


@transaction.atomic
def trajectory_calibrate(*, actor_label: str, instrument: str) -> TrajectoryCalibration:
    """Refit the expected trajectory on the practice's finished episodes. Raises
    ValueError below the minimum number of episodes, saying how many there are."""
    series = finished_series(instrument)
    params = calibrate(series)
    calibration = TrajectoryCalibration.objects.create(
        instrument=instrument,
        beta0=params.beta0,
        beta1=params.beta1,
        sigma=params.sigma,
        z=params.z,
        n_episodes=len(series),
        created_by=actor_label,
    )
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="trajectory.calibrate",
        obj=calibration,
        detail={"instrument": instrument, "episodes": len(series)},
    )
    return calibration
