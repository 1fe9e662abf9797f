from django.db import models


class EpisodeProgress(models.Model):
    """The episode's progress summary, refreshed in the same transaction as any change to
    its assessments, goal ratings or appointments, so no page recomputes history.

    `measures` holds one entry per instrument (a `MeasureSummary` as a dict);
    `talking_therapies` the paired-measures outcome when PHQ-9 and the anxiety measure
    both exist.
    """

    episode = models.OneToOneField(
        "clients.Episode", on_delete=models.CASCADE, related_name="progress"
    )
    refreshed_at = models.DateTimeField()
    last_assessed_on = models.DateField(null=True, blank=True)
    main_instrument = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, blank=True, db_index=True)
    status_explanation = models.TextField(blank=True)
    measures = models.JSONField(default=dict)
    talking_therapies = models.JSONField(null=True, blank=True)
    open_alerts = models.PositiveIntegerField(default=0)
    has_open_risk = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"progress of episode {self.episode_id}: {self.status or 'no measures'}"


class TrajectoryCalibration(models.Model):
    """Expected-trajectory parameters refitted on the practice's own finished episodes."""

    instrument = models.CharField(max_length=40, db_index=True)
    beta0 = models.FloatField()
    beta1 = models.FloatField()
    sigma = models.FloatField()
    z = models.FloatField()
    n_episodes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument} calibration on {self.n_episodes} episodes"
