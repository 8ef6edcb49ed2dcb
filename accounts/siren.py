"""SIREN numbers: the Luhn key that makes nine digits a valid SIREN."""


def luhn_total(digits: str) -> int:
    """The Luhn sum of a string of digits (valid when it is a multiple of 10)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def has_valid_key(siren: str) -> bool:
    return len(siren) == 9 and siren.isdigit() and luhn_total(siren) % 10 == 0


def siren_with_key(first_eight: str) -> str:
    """Complete 8 digits with the key digit that makes a valid SIREN (demo data, tests)."""
    if len(first_eight) != 8 or not first_eight.isdigit():
        raise ValueError(f"8 digits expected, got {first_eight!r}")
    key = -luhn_total(first_eight + "0") % 10
    return first_eight + str(key)
