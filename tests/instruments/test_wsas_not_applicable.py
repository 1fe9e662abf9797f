"""WSAS item 1 may be answered "not applicable" (retired, or not working by choice)."""

from strides.instruments import NOT_APPLICABLE, get_instrument, reload_instruments, score
from tests.instruments.conftest import SHIPPED


def test_not_applicable_on_work_is_prorated_from_the_other_four_items():
    # NHS Data Dictionary: substitute the mean of the non-missing items.
    result = score("wsas", {1: NOT_APPLICABLE, 2: 3, 3: 3, 4: 3, 5: 4})

    assert result.total == 16  # 13 / 4 * 5 = 16.25
    assert result.not_applicable == (1,)
    assert result.prorated


def test_not_applicable_and_another_missing_item_leave_no_total():
    result = score("wsas", {1: NOT_APPLICABLE, 2: 3, 3: 3, 4: 3})

    assert result.total is None
    assert result.incomplete


def test_one_missing_item_is_prorated():
    assert score("wsas", {2: 8, 3: 8, 4: 8, 5: 8}).total == 40


def test_work_item_offers_the_printed_not_applicable_choice():
    wsas = get_instrument("wsas")

    assert wsas.items[0].not_applicable_label == (
        "If you're retired or choose not to have a job for reasons unrelated to your "
        "problem, tick here"
    )
    assert wsas.not_applicable_policy == "prorate"
    assert all(item.not_applicable_label is None for item in wsas.items[1:])


def test_exclude_policy_totals_the_other_items_as_camcops_does(practice_dir):
    text = (SHIPPED / "wsas.toml").read_text(encoding="utf-8")
    (practice_dir / "wsas.toml").write_text(
        text.replace('not_applicable = "prorate"', 'not_applicable = "exclude"'),
        encoding="utf-8",
    )
    reload_instruments()

    result = score("wsas", {1: NOT_APPLICABLE, 2: 3, 3: 3, 4: 3, 5: 4})

    assert result.total == 13
    assert not result.prorated
    assert result.missing == ()
    assert score("wsas", {1: NOT_APPLICABLE, 2: 3, 3: 3, 4: 3}).total == 12  # prorated 9/3*4
