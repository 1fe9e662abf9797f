"""Needs attention: a client's open alerts grouped under the client, clients with an
open risk alert first, then the most recent; a fixed number of queries."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strides.accounts.models import User
from strides.alerts.models import Alert
from strides.clients.models import Client, Episode
from strides.outcomes.dashboard import group_by_client, needs_attention
from tests.base import PersonaTestCase

TODAY = date(2026, 11, 30)


class AttentionGroupTests(PersonaTestCase):
    def episode(self, name: str, therapist: User | None = None) -> Episode:
        client = Client.objects.create(display_name=name)
        return Episode.objects.create(
            client=client, therapist=therapist or self.tess, start=date(2026, 9, 1)
        )

    def alert(self, episode: Episode, kind: str, days_ago: int, instrument: str = "phq9") -> Alert:
        day = TODAY - timedelta(days=days_ago)
        return Alert.objects.create(
            episode=episode,
            kind=kind,
            key=f"{kind}:{instrument}:{episode.pk}:{days_ago}",
            instrument=instrument,
            occurred_on=day,
            latest_on=day,
            summary=f"{kind} for {episode.client.display_name}",
            immediate=kind == "risk",
        )

    def test_alerts_come_grouped_by_client_risk_clients_first_then_most_recent(self) -> None:
        recent = self.episode("Recent Client")
        risky = self.episode("Risky Client")
        older = self.episode("Older Client")
        self.alert(recent, "not_on_track", days_ago=1)
        self.alert(risky, "not_on_track", days_ago=2)
        self.alert(risky, "risk", days_ago=20)
        self.alert(older, "missed_measures", days_ago=10, instrument="")
        self.alert(older, "not_on_track", days_ago=12, instrument="gad7")
        groups = group_by_client(needs_attention(actor=self.tess, today=TODAY))
        self.assertEqual(
            [(g.client.display_name, [a.kind for a in g.alerts], g.has_risk) for g in groups],
            [
                ("Risky Client", ["risk", "not_on_track"], True),
                ("Recent Client", ["not_on_track"], False),
                ("Older Client", ["missed_measures", "not_on_track"], False),
            ],
        )

    def test_the_page_shows_each_client_once_with_their_alerts_under_them(self) -> None:
        risky = self.episode("Risky Client")
        self.alert(risky, "risk", days_ago=5)
        self.alert(risky, "not_on_track", days_ago=3)
        self.alert(self.episode("Calm Client"), "not_on_track", days_ago=1)
        self.login(self.tess)
        response = self.client.get(reverse("attention"))
        html = response.content.decode()
        self.assertEqual(html.count(">Risky Client</a>"), 1)
        self.assertLess(html.index("Risky Client"), html.index("Calm Client"))
        self.assertLess(html.index("risk for Risky Client"), html.index("Calm Client"))
        self.assertContains(response, "2 alerts")

    def test_query_count_does_not_grow_with_the_alerts(self) -> None:
        self.alert(self.episode("First"), "not_on_track", days_ago=1)
        self.login(self.tess)
        self.client.get(reverse("attention"))
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("attention"))
        for index in range(6):
            extra = self.episode(f"Extra {index}")
            self.alert(extra, "risk", days_ago=index)
            self.alert(extra, "not_on_track", days_ago=index + 1)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(reverse("attention"))
        self.assertEqual(len(response.context["groups"]), 7)

    def test_stranger_sees_no_group_of_anothers_client(self) -> None:
        self.alert(self.episode("Ottos Client", therapist=self.otto), "risk", days_ago=1)
        self.login(self.tess)
        response = self.client.get(reverse("attention"))
        self.assertEqual(response.context["groups"], [])
        self.assertNotContains(response, "Ottos Client")
