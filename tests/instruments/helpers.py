"""Small helpers that build answer sets for tests."""

from strides.instruments import Instrument


def answers_totalling(instrument: Instrument, target: int) -> dict[int, int]:
    """Answers to every item whose (reverse-keyed) scores add up to `target`.

    Fills items in order, each with as much of the remainder as it can take; reverse-keyed
    items get the response that scores the wanted value.
    """
    items = instrument.items
    remaining = target - sum(int(item.min_value) for item in items)
    answers = {}
    for item in items:
        low, high = int(item.min_value), int(item.max_value)
        scored = low + max(0, min(high - low, remaining))
        remaining -= scored - low
        if item.reverse_keyed:
            assert instrument.reverse_subtract_from is not None
            answers[item.number] = instrument.reverse_subtract_from - scored
        else:
            answers[item.number] = scored
    assert remaining == 0, f"{instrument.code} cannot total {target}"
    return answers
