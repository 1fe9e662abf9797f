"""The audit trail holds ids and codes, never clinical content: admins read it without
break-glass."""

import json

from strides.audit.models import AuditEvent
from strides.goals.models import Goal
from tests.base import PersonaTestCase
from tests.security.free_text import KINDS, marker, write_every_free_text


class AuditDetailTests(PersonaTestCase):
    def details(self, action: str) -> list[dict[str, object]]:
        events = AuditEvent.objects.filter(action=action)
        return [json.loads(event.detail) if event.detail else {} for event in events]

    def test_no_free_text_in_any_audit_event(self) -> None:
        write_every_free_text(therapist=self.tess, admin=self.admin)
        trail = "\n".join(
            " ".join([event.detail, event.object_type, event.object_id, event.actor_label])
            for event in AuditEvent.objects.all()
        )
        self.assertEqual([kind for kind in KINDS if marker(kind) in trail], [])

    def test_no_risk_or_scores_in_audit_detail(self) -> None:
        client = write_every_free_text(therapist=self.tess, admin=self.admin)
        goal = Goal.objects.get(episode__client=client)
        self.assertEqual(self.details("assessment.record"), [{"instrument": "phq9"}])
        self.assertEqual(self.details("alert.raise"), [{}])
        self.assertEqual(self.details("alert.acknowledge"), [{}])
        self.assertEqual(self.details("goal.rate"), [{"goal": goal.pk}])
        self.assertTrue(all(detail == {} for detail in self.details("milestone.detect")))
        amend = self.details("assessment.amend")
        self.assertEqual([set(detail) for detail in amend], [{"replaces"}])
        self.assertEqual(self.details("break_glass.open"), [{}])
