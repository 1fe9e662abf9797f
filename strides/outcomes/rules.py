"""What the progress engine needs about each instrument, read from the definitions and
from the practice's stored trajectory calibrations."""

from collections.abc import Mapping

from strides.instruments import Instrument, list_instruments
from strides.outcomes.models import TrajectoryCalibration
from strides.progress import DEFAULT_TRAJECTORIES, MeasureRule, TrajectoryParams


def short_name(instrument: Instrument) -> str:
    """The name a therapist says: "PHQ-9" from "Patient Health Questionnaire (PHQ-9)"."""
    name = instrument.name
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1]
    return name


def measure_rule(instrument: Instrument) -> MeasureRule:
    by_rci = instrument.reliable_change_method == "rci"
    threshold = None if by_rci else instrument.reliable_change
    return MeasureRule(
        code=instrument.code,
        name=short_name(instrument),
        lower_is_better=instrument.lower_is_better,
        cutoff=None if instrument.cutoff is None else float(instrument.cutoff),
        threshold=None if threshold is None else float(threshold),
        sd=float(instrument.sd) if by_rci and instrument.sd is not None else None,
        reliability=instrument.reliability if by_rci else None,
    )


def measure_rules() -> dict[str, MeasureRule]:
    return {i.code: measure_rule(i) for i in list_instruments() if i.has_total}


def trajectory_params() -> Mapping[str, TrajectoryParams]:
    """Shipped defaults, replaced per instrument by the practice's latest calibration."""
    params = dict(DEFAULT_TRAJECTORIES)
    latest: dict[str, TrajectoryCalibration] = {}
    for calibration in TrajectoryCalibration.objects.order_by("created_at", "id"):
        latest[calibration.instrument] = calibration
    for code, calibration in latest.items():
        params[code] = TrajectoryParams(
            beta0=calibration.beta0,
            beta1=calibration.beta1,
            sigma=calibration.sigma,
            z=calibration.z,
            source=f"Calibrated on {calibration.n_episodes} finished episodes of this practice "
            f"on {calibration.created_at:%Y-%m-%d}.",
        )
    return params
