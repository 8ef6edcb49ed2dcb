"""Population bands of collectivités (SCORING.md): shared by peer groups, the finder and the
observatory."""

from django.utils import formats
from django.utils.translation import gettext as _

# [low, high) in inhabitants.
POPULATION_BANDS = ((0, 20_000), (20_000, 100_000), (100_000, 200_000), (200_000, None))


def population_band(population: int | None) -> tuple[int, int | None] | None:
    if population is None:
        return None
    return next(
        band
        for band in POPULATION_BANDS
        if band[0] <= population and (band[1] is None or population < band[1])
    )


def _inhabitants(number: int) -> str:
    return formats.number_format(number, 0, use_l10n=True, force_grouping=True)


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    if low == 0:
        return _("de moins de %(high)s habitants") % {"high": _inhabitants(high)}
    if high is None:
        return _("de %(low)s habitants et plus") % {"low": _inhabitants(low)}
    return _("de %(low)s à %(high)s habitants") % {
        "low": _inhabitants(low),
        "high": _inhabitants(high - 1),
    }
