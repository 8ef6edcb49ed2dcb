"""Amounts as French writes them: « 41 800 € », « 41 800,50 € » (cents only when there are),
« −8 200 € » (with a minus sign, not a hyphen); in English « €41,800 », « −€8,200 »."""

from decimal import Decimal

from django.utils import formats

from aeict.languages import with_euros


def euros(amount: Decimal | None) -> str:
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(abs(amount), decimals, use_l10n=True, force_grouping=True)
    return with_euros(number, negative=amount < 0)


def decimal_text(value: Decimal | None) -> str:
    """A number with the language's decimal mark and no trailing zeros (2,5 FTE), for display."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)
