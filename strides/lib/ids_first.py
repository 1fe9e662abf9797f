"""An ordered list read in two steps: its order over ids only, then the rows of one page.

Ordering a whole caseload's open alerts or week's milestones by window functions is one
query either way, but sorting every full row (evidence, summaries, the client joined in)
to keep three or fifty of them costs the database several times what sorting their ids
does. `IdsFirst` orders and slices the ids, then fetches just those rows; Django's
`Paginator` takes it as it takes a queryset.
"""

from collections.abc import Iterator
from typing import Any, overload

from django.db.models import Count, Model, QuerySet, Window


class IdsFirst[M: Model]:
    ordered = True  # what Paginator checks before it warns of an unordered list

    def __init__(self, queryset: QuerySet[M], rows: QuerySet[M]) -> None:
        """`queryset` filters and orders; `rows` is what one row is read with (its joins
        and per-row annotations), without the filters: its ids come from `queryset`."""
        self.queryset = queryset
        self.rows = rows

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[M]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> M: ...
    @overload
    def __getitem__(self, index: slice) -> list[M]: ...
    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, slice):
            return self._rows(list(self.queryset.values_list("pk", flat=True)[index]))
        rows = self[index : index + 1]
        if not rows:
            raise IndexError(index)
        return rows[0]

    def head(self, size: int) -> tuple[int, list[M]]:
        """How many there are and the first `size`, in one ordering query and one fetch."""
        pairs: list[tuple[Any, int]] = list(
            self.queryset.annotate(listed=Window(Count("pk"))).values_list("pk", "listed")[:size]
        )
        return (pairs[0][1] if pairs else 0), self._rows([pk for pk, _total in pairs])

    def _rows(self, ids: list[Any]) -> list[M]:
        if not ids:
            return []
        found = self.rows.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
