"""The benchmark's own pieces: network sizes, the bulk loader, refusing a shared database."""

import uuid
from datetime import date

from django.test import TestCase

from bench.network import LARGE_THERAPIST, SMALL_THERAPIST, NetworkSize, build_network
from bench.suite import growth_size, postgres_target
from strides.assessments.models import Assessment
from strides.clients.models import Client, Episode
from strides.instruments import score
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress


class NetworkSizeTests(TestCase):
    def test_caseloads_stay_150_and_1500_while_they_fit(self) -> None:
        size = NetworkSize.scaled(0.04)
        self.assertEqual((size.clients, size.assessments), (2_000, 40_000))
        self.assertEqual((size.small_caseload, size.large_caseload), (150, 1_500))

    def test_caseloads_shrink_with_a_tiny_network(self) -> None:
        size = NetworkSize.scaled(0.002)
        self.assertLessEqual(size.small_caseload + size.large_caseload, 0.85 * size.clients)

    def test_growth_networks_are_a_sixteenth_and_a_quarter(self) -> None:
        size = NetworkSize.scaled(1)
        self.assertEqual(growth_size(size, 1).clients, 3_125)
        self.assertEqual(growth_size(size, 4).large_caseload, 375)

    def test_zero_scale_is_refused(self) -> None:
        with self.assertRaisesMessage(ValueError, "above 0"):
            NetworkSize.scaled(0)

    def test_shared_postgres_database_names_are_refused(self) -> None:
        with self.assertRaisesMessage(ValueError, "not 'test'"):
            postgres_target("postgres://postgres:x@127.0.0.1:5432/test")


class BuildNetworkTests(TestCase):
    def test_loads_the_caseloads_and_the_client_page_case(self) -> None:
        size = NetworkSize(
            clients=40, episodes=60, assessments=400, small_caseload=5, large_caseload=20
        )
        loaded = build_network(size, progress_bar=False)
        self.assertEqual(loaded.counts["clients"], 40)
        self.assertEqual(Client.objects.count(), 41)  # and the client-page case
        for username, active in ((SMALL_THERAPIST, 5), (LARGE_THERAPIST, 20)):
            open_episodes = Episode.objects.filter(therapist__username=username, end__isnull=True)
            self.assertEqual(open_episodes.count(), active)
        self.assertEqual(EpisodeProgress.objects.count(), Episode.objects.count())
        progress = EpisodeProgress.objects.exclude(measures={}).first()
        assert progress is not None
        self.assertTrue(progress.measures["phq9"]["sparkline"].startswith("<svg"))
        # The rows written with executemany read back through the ORM as the app stores them.
        assessment = Assessment.objects.exclude(episode__client_id=loaded.client_page_id).first()
        assert assessment is not None
        self.assertIsInstance(assessment.submission_key, uuid.UUID)
        self.assertIsInstance(assessment.taken_on, date)
        answers = {int(number): value for number, value in assessment.answers.items()}
        self.assertEqual(score(assessment.instrument_code, answers).total, assessment.total)
        self.assertTrue(assessment.is_current)
        milestone = Milestone.objects.first()
        assert milestone is not None
        self.assertTrue(milestone.summary)  # decrypts with the app's key
        ended = EpisodeProgress.objects.filter(
            episode__end__isnull=False, talking_therapies__isnull=False
        )
        self.assertTrue(ended.exists())
        # Ids given by the loader: the sequences moved past them, so the ORM can add rows.
        self.assertEqual(Client.objects.create(display_name="After the load").pk, 42)
        case = Assessment.objects.filter(episode__client_id=loaded.client_page_id)
        self.assertEqual(case.count(), 120)
        self.assertEqual(
            set(case.values_list("instrument_code", flat=True)), {"phq9", "gad7", "core10"}
        )

    def test_refuses_a_database_with_accounts(self) -> None:
        size = NetworkSize.scaled(0.002)
        build_network(size, progress_bar=False)
        with self.assertRaisesMessage(RuntimeError, "empty one"):
            build_network(size, progress_bar=False)
