"""docs/scoring.md is the method the code implements: its figures are the code's constants, and
it says the same as the design document when that is beside the repository."""

import re
from fractions import Fraction
from pathlib import Path

import pytest

from diagnostics import scoring
from diagnostics.results.comparisons import MIN_PEERS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scoring.md"
DESIGN = ROOT.parent / "shared" / "design" / "SCORING.md"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@pytest.fixture(scope="module")
def doc():
    return DOC.read_text(encoding="utf-8")


def only(pattern, text):
    """The groups of the one place where the document says this (line breaks are spaces)."""
    found = re.findall(pattern, " ".join(text.split()))
    assert len(found) == 1, f"{pattern!r} found {len(found)} times in docs/scoring.md"
    return found[0]


def test_the_document_names_the_method_version_the_code_implements(doc):
    assert only(r"^# How a diagnostic is scored .*? Method version (\d+) \(", doc) == "2"
    implemented = only(r"implements \*\*method version (\d+)\*\* today", doc)
    assert implemented == scoring.METHOD_VERSION


def test_the_maturity_levels_are_the_documented_ones(doc):
    rows = re.findall(r"^\| (\d+) <= S (<=?) (\d+) \| (\d) - (.+?) \|$", doc, re.MULTILINE)
    assert [(int(number), label) for *_bounds, number, label in rows] == [
        (level.number, level.label) for level in scoring.MATURITY_LEVELS
    ]
    assert rows[0][0] == "0"
    assert rows[-1][1:3] == ("<=", "100")
    for (low, below, high, number, label), following in zip(rows, [*rows[1:], None], strict=True):
        level = scoring.MaturityLevel(int(number), label)
        assert scoring.maturity_level(Fraction(low)) == level
        assert scoring.maturity_level(Fraction(high) - Fraction(1, 10**6)) == level
        if following is not None:
            assert below == "<"
            assert following[0] == high
            assert scoring.maturity_level(Fraction(high)) != level


def test_the_priorities_strengths_and_actions_follow_the_documented_figures(doc):
    priorities = only(r"The first (\w+) with P_r > 0 are the diagnostic's priorities", doc)
    assert NUMBERS[priorities] == scoring.PRIORITY_COUNT
    threshold, count = only(
        r"The strengths are the evaluated recommendations with S_r >= (\d+), highest first "
        r"\(ties to the smaller number\), at most (\w+)\.",
        doc,
    )
    assert Fraction(threshold) == scoring.STRENGTH_THRESHOLD
    assert NUMBERS[count] == scoring.STRENGTH_COUNT
    question = only(r"not « Non concerné », and its value is <= ([\d.]+)", doc)
    assert Fraction(question) == scoring.ACTION_QUESTION_THRESHOLD
    recommendation = only(r"it is tied only to the recommendation: S_r < (\d+)\.", doc)
    assert Fraction(recommendation) == scoring.ACTION_RECOMMENDATION_THRESHOLD


def test_peers_are_shown_from_the_documented_number(doc):
    assert (
        int(only(r"Shown only when at least (\d+) other collectivités qualify", doc)) == MIN_PEERS
    )


def sections(text):
    """Heading -> text, the repository's note (a block quote under the title) left out."""
    text = "\n".join(line for line in text.splitlines() if not line.startswith(">"))
    parts = re.split(r"^(#{1,2} .*)$", text, flags=re.MULTILINE)
    return {
        heading: re.sub(r"\n{3,}", "\n\n", body).strip()
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    }


@pytest.mark.skipif(not DESIGN.exists(), reason="shared/design is not beside the repository")
def test_the_document_says_what_the_design_document_says(doc):
    design = sections(DESIGN.read_text(encoding="utf-8"))
    ours = sections(doc)
    assert list(ours) == list(design)
    for heading, text in design.items():
        assert ours[heading] == text, f"docs/scoring.md differs under « {heading} »"


@pytest.mark.parametrize("template", ["pages/methode.html", "pdf/_method.html"])
def test_the_pages_that_explain_the_method_explain_version_2(template):
    from diagnostics.formatting import score

    text = " ".join((ROOT / "templates" / template).read_text(encoding="utf-8").split())
    for state in ("Non posée", "Sans réponse", "Répondue", "Non concerné", "Je ne sais pas"):
        assert state.lower() in text.lower(), state
    # The display rule's example is what the code shows.
    assert f"49,94 s’affiche {score(49.94)}" in text
    assert "score non arrondi" in text
    # (split() counts non-breaking spaces as spaces)
    assert "20 000 à 99 999" in text and "200 000 et plus" in text
