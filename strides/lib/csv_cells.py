"""CSV cells that a spreadsheet will not run as a formula (OWASP "CSV injection").

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
single quote, so Excel, LibreOffice and Google Sheets show it as text. Pure: no Django.
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, quoted with a leading `'` when it could start a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[object]) -> list[str]:
    return [safe_cell(value) for value in values]
