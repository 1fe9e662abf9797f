"""IdsFirst: an ordered list paged by its ids, then its rows; the same rows in the same
order as the queryset itself, with the count and the head in one ordering query."""

from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber, Upper

from strides.clients.models import Client
from strides.lib.ids_first import IdsFirst
from tests.base import PersonaTestCase


class IdsFirstTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for n in range(12):
            Client.objects.create(display_name=f"Synthetic {n % 5} {n:02d}")

    def ordered(self):
        return Client.objects.annotate(
            rank=Window(RowNumber(), partition_by=[F("display_name")[:11]])
        ).order_by("-display_name", "id")

    def test_pages_hold_the_querysets_rows_in_its_order(self) -> None:
        expected = list(self.ordered())
        paginator = Paginator(IdsFirst(self.ordered(), Client.objects.all()), 5)
        self.assertEqual(paginator.count, len(expected))
        seen = [client for number in paginator.page_range for client in paginator.page(number)]
        self.assertEqual(seen, expected)
        self.assertEqual([c.display_name for c in seen], [c.display_name for c in expected])

    def test_head_is_the_count_and_the_first_rows_in_two_queries(self) -> None:
        expected = list(self.ordered())
        with self.assertNumQueries(2):
            count, top = IdsFirst(self.ordered(), Client.objects.all()).head(3)
        self.assertEqual(count, len(expected))
        self.assertEqual(top, expected[:3])
        self.assertEqual(IdsFirst(self.ordered(), Client.objects.all())[4], expected[4])
        self.assertEqual(list(IdsFirst(self.ordered(), Client.objects.all())), expected)
        with self.assertRaises(IndexError):
            IdsFirst(self.ordered(), Client.objects.all())[len(expected)]

    def test_rows_are_read_with_the_rows_queryset(self) -> None:
        rows = Client.objects.annotate(shout=Upper("display_name"))
        top = IdsFirst(self.ordered(), rows)[:2]
        self.assertEqual([c.shout for c in top], [c.display_name.upper() for c in top])

    def test_an_empty_list_has_no_rows_and_one_query(self) -> None:
        with self.assertNumQueries(1):
            self.assertEqual(
                IdsFirst(Client.objects.filter(pk=-1).order_by("id"), Client.objects.all()).head(3),
                (0, []),
            )
        self.assertEqual(
            Paginator(IdsFirst(Client.objects.filter(pk=-1), Client.objects.all()), 5).count, 0
        )
