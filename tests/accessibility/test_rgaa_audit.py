"""The RGAA 4.1.2 audit grid (docs/accessibilite/grille-rgaa.csv), its conformity rate as the
RGAA defines it, and the accessibility statement that shows it."""

import csv
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from aeict.accessibility_audit import GRID, GridError, main, read_grid
from diagnostics.formatting import points

# Criteria per theme in RGAA 4.1: images, frames, colours, multimedia, tables, links, scripts,
# mandatory elements, structure, presentation, forms, navigation, consultation.
CRITERIA_PER_THEME = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13,
                      12: 11, 13: 12}  # fmt: skip
SAMPLE = {"accueil", "connexion", "tableau-de-bord", "vue-ensemble", "preconisation", "resultats",
          "plan", "plan-modifier", "membres", "rapport-statut", "methode", "accessibilite",
          "admin-catalogue"}  # fmt: skip


def test_the_grid_assesses_the_106_criteria_on_every_page_of_the_sample():
    audit = read_grid()
    assert set(audit.pages) == SAMPLE
    themes = Counter(int(c.number.split(".")[0]) for c in audit.criteria)
    assert themes == CRITERIA_PER_THEME
    for theme, count in CRITERIA_PER_THEME.items():
        numbers = {c.number for c in audit.criteria if c.number.startswith(f"{theme}.")}
        assert numbers == {f"{theme}.{n}" for n in range(1, count + 1)}
    for criterion in audit.criteria:
        assert criterion.justification.strip(), criterion.number
        assert criterion.title.endswith("?"), criterion.number


def write_grid(path, rows, pages=("p1", "p2")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["critere", "thematique", "intitule", *pages, "justification"])
        writer.writerows(rows)


def grid_rows(statuses_by_number):
    """The 106 criteria, all NA, but for those given."""
    rows = []
    for theme, count in CRITERIA_PER_THEME.items():
        for n in range(1, count + 1):
            number = f"{theme}.{n}"
            statuses = statuses_by_number.get(number, ("NA", "NA"))
            rows.append([number, "t", "Intitulé ?", *statuses, "raison"])
    return rows


def test_the_rate_is_conforming_criteria_over_applicable_criteria(tmp_path):
    path = tmp_path / "grille.csv"
    write_grid(
        path,
        grid_rows(
            {
                "1.1": ("C", "C"),  # conforming everywhere
                "1.2": ("C", "NA"),  # conforming where it applies
                "3.2": ("C", "NC"),  # one failing page: not conforming
                "8.5": ("NC", "NC"),
            }
        ),
    )
    audit = read_grid(path)
    assert (audit.count("C"), audit.count("NC"), audit.count("NA")) == (2, 2, 102)
    assert audit.applicable == 4
    assert audit.rate == Decimal("50.0")
    # Per page: p1 has 3 C out of 4 applicable, p2 has 1 C out of 3.
    assert audit.page_rates == {"p1": Decimal("75.0"), "p2": Decimal("33.3")}
    assert audit.mean_rate == Decimal("54.2")
    assert [c.number for c in audit.non_conformities] == ["3.2", "8.5"]
    assert audit.non_conformities[0].failing_pages == ["p2"]


@pytest.mark.parametrize(
    "statuses, declared",
    [
        ({"1.1": ("C", "C"), "1.2": ("C", "NA")}, "totalement conforme"),
        ({"1.1": ("C", "C"), "3.2": ("C", "NC")}, "partiellement conforme"),  # 50 %
        ({"1.1": ("C", "C"), "3.2": ("C", "NC"), "8.5": ("NC", "NA")}, "non conforme"),  # 33 %
    ],
)
def test_the_declared_state_follows_the_rate(tmp_path, statuses, declared):
    path = tmp_path / "grille.csv"
    write_grid(path, grid_rows(statuses))
    assert read_grid(path).status == declared


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rows: rows[:-1], "106 critères"),
        (lambda rows: [*rows, rows[0]], "106 critères"),
        (lambda rows: [[*rows[0][:3], "OUI", "C", "x"], *rows[1:]], "statut inconnu"),
        (lambda rows: [rows[0][:4], *rows[1:]], "colonnes"),
    ],
)
def test_a_wrong_grid_is_refused_with_a_clear_message(tmp_path, change, message):
    path = tmp_path / "grille.csv"
    write_grid(path, change(grid_rows({})))
    with pytest.raises(GridError, match=message):
        read_grid(path)


def test_the_script_prints_the_rate(capsys):
    assert main(["taux", str(GRID)]) == 0
    out = capsys.readouterr().out
    assert f"Taux de conformité (RGAA) : {read_grid().rate} %" in out


def test_the_statement_shows_the_rate_and_the_non_conformities_of_the_grid(client, db):
    audit = read_grid()
    page = client.get(reverse("accessibilite")).content.decode()
    rate = re.search(r"<li data-audit-rate><strong>([\d,]+)\u00a0%</strong>", page)
    assert rate, "the statement does not show a rate"
    assert rate.group(1) == points(audit.rate, 1)
    assert f"{audit.count('C')} critères conformes sur {audit.applicable} critères applicables" in (
        page
    )
    status = re.search(r"<p data-audit-status>.*?<strong>(.*?)</strong>", page, re.S)
    assert status and status.group(1) == audit.status
    # The footer of every page says the same.
    assert f"Accessibilité\u00a0: {audit.status}</a>" in page
    assert f"Accessibilité\u00a0: {audit.status}</a>" in client.get("/").content.decode()
    section = page.split("data-non-conformities")[1]
    if audit.non_conformities:
        assert "en raison des non-conformités" in page
        non_conformities = section.split("</ul>")[0]
        for criterion in audit.non_conformities:
            assert f"Critère {criterion.number}\u00a0:" in non_conformities
        assert non_conformities.count("<li>") == len(audit.non_conformities)
    else:
        assert section.split("</p>")[0].startswith(">Aucune\u00a0:")
        assert "en raison des non-conformités" not in page
    for expected in ["Défenseur des droits", "PDF/UA", "Dérogations", "axe-core", "1er décembre"]:
        assert expected in page
    assert page.split("data-audit-pages")[1].split("</ul>")[0].count("<li>") == len(SAMPLE)
