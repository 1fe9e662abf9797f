"""One colour language for severity bands, shared by the charts and the page chips.

Bands are ranked least severe first within their instrument and spread over one
sequential, colour-blind-safe sequence (pale blue, pale yellow, amber, orange, magenta,
plum): neighbouring bands always differ in both hue and lightness, whatever the number
of bands, and every band is shown with its name in words. Warning colours (risk,
deterioration, not on track) are never used for a band. strides.css holds the same
colours as `.band-level-0` .. `.band-level-5`.
"""

SEVERITY_SEQUENCE = ("#d6e8f7", "#fbecae", "#f6c56f", "#e8894a", "#a8467f", "#4b2346")
LEVELS = len(SEVERITY_SEQUENCE)


def severity_level(rank: int, count: int) -> int:
    """Spread `count` ranked bands (0 = least severe) over the sequence, first to last,
    so two bands of one instrument never share a colour."""
    if count <= 1:
        return 0
    rank = min(max(rank, 0), count - 1)
    return int(rank * (LEVELS - 1) / (count - 1) + 0.5)
