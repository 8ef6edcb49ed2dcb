import math
import re
import xml.etree.ElementTree as ET

import pytest

from diagnostics.results.radar import RadarAxis, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & co"

LABELS = [
    "Diagnostic de l’internationalisation",
    "Gouvernance et pilotage du numérique",
    "Formation des agents",
    "Accessibilité numérique des services en ligne",
    "Sobriété",
    "Données ouvertes et partage de la donnée publique",
    "Cybersécurité",
    "Inclusion numérique",
    "Mutualisation",
    "Achats responsables",
]
SCORES = [42, 100, 50, None, 75.5, 12, 88, None, 0, 63.333333]


def ten_axes():
    return [
        RadarAxis(number, label, score)
        for number, (label, score) in enumerate(zip(LABELS, SCORES, strict=True), start=1)
    ]


def axes_of(count):
    return [
        RadarAxis(number, f"Préconisation {number}", 10.0 * number)
        for number in range(1, count + 1)
    ]


def parse(svg):
    return ET.fromstring(svg)


def by_id(root, element_id):
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return found


def points_of(polygon):
    return [tuple(map(float, pair.split(","))) for pair in polygon.get("points").split()]


def centre_of(root, prefix="radar"):
    spoke = by_id(root, f"{prefix}-grid").find(f"{SVG}line")
    return float(spoke.get("x1")), float(spoke.get("y1"))


def distance(point, centre):
    return math.hypot(point[0] - centre[0], point[1] - centre[1])


def outer_radius(root, prefix="radar"):
    centre = centre_of(root, prefix)
    rings = by_id(root, f"{prefix}-grid").findall(f"{SVG}polygon")
    return max(distance(point, centre) for ring in rings for point in points_of(ring))


def label_texts(root, prefix="radar"):
    """The text of each axis label, its lines joined by spaces."""
    groups = by_id(root, f"{prefix}-labels").findall(f"{SVG}g")
    return [" ".join(text.text for text in group.findall(f"{SVG}text")) for group in groups]


def test_the_chart_is_well_formed_svg_with_its_title_and_description_first():
    root = parse(radar_svg(ten_axes(), title="Scores par préconisation"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "radar-title radar-desc"
    assert root.get("width") == "100%"
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title"
    assert first.get("id") == "radar-title"
    assert first.text == "Scores par préconisation"
    assert second.tag == f"{SVG}desc"
    assert second.get("id") == "radar-desc"


def test_the_id_prefix_keeps_two_charts_on_one_page_apart():
    root = parse(radar_svg(ten_axes(), title="Scores", id_prefix="radar-2024"))

    assert root.get("aria-labelledby") == "radar-2024-title radar-2024-desc"
    assert [child.get("id") for child in list(root)[:2]] == ["radar-2024-title", "radar-2024-desc"]


def test_an_id_prefix_that_is_not_an_xml_id_is_refused():
    with pytest.raises(ValueError):
        radar_svg(ten_axes(), title="Scores", id_prefix="two words")


def test_the_default_description_lists_every_axis_with_its_score_in_french():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    description = root.find(f"{SVG}desc").text

    for number, label in enumerate(LABELS, start=1):
        assert f"{number}. {label}" in description
    assert description.startswith(
        "1. Diagnostic de l’internationalisation\u00a0: 42 sur 100\u00a0; 2. "
    )
    assert (
        "4. Accessibilité numérique des services en ligne\u00a0: non évaluée\u00a0;" in description
    )
    assert "5. Sobriété\u00a0: 75,5 sur 100" in description
    assert "10. Achats responsables\u00a0: 63,33 sur 100" in description


def test_a_given_description_is_used_as_is():
    root = parse(radar_svg(ten_axes(), title="Scores", description="Un texte « à part »."))

    assert root.find(f"{SVG}desc").text == "Un texte « à part »."


def test_the_score_polygon_has_one_point_per_axis():
    root = parse(radar_svg(ten_axes(), title="Scores"))

    assert len(points_of(by_id(root, "radar-score"))) == len(LABELS)


def test_a_full_score_lies_on_the_outer_ring_and_half_a_score_at_half_its_radius():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    centre = centre_of(root)
    radius = outer_radius(root)
    vertices = points_of(by_id(root, "radar-score"))

    assert radius == pytest.approx(240, abs=0.02)  # size 480 is the outer ring's diameter
    assert distance(vertices[1], centre) == pytest.approx(radius, abs=0.02)  # score 100
    assert distance(vertices[2], centre) == pytest.approx(radius / 2, abs=0.02)  # score 50
    assert distance(vertices[3], centre) == pytest.approx(0, abs=0.02)  # not evaluated


def test_the_first_axis_points_up_and_the_others_follow_clockwise():
    root = parse(radar_svg(axes_of(4), title="Scores"))
    cx, cy = centre_of(root)
    first, second = points_of(by_id(root, "radar-score"))[:2]

    assert first[0] == pytest.approx(cx, abs=0.02) and first[1] < cy
    assert second[0] > cx and second[1] == pytest.approx(cy, abs=0.02)


def test_scores_are_clamped_to_the_zero_to_a_hundred_range():
    axes = [RadarAxis(1, "Trop", 150), RadarAxis(2, "Négatif", -20), RadarAxis(3, "Juste", 100)]
    root = parse(radar_svg(axes, title="Scores"))
    centre = centre_of(root)
    vertices = points_of(by_id(root, "radar-score"))

    assert distance(vertices[0], centre) == pytest.approx(outer_radius(root), abs=0.02)
    assert distance(vertices[1], centre) == pytest.approx(0, abs=0.02)
    assert "1. Trop\u00a0: 100 sur 100" in root.find(f"{SVG}desc").text


def test_the_grid_has_rings_at_the_maturity_thresholds_with_their_tick_labels():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    centre = centre_of(root)
    rings = by_id(root, "radar-grid").findall(f"{SVG}polygon")

    radii = sorted(max(distance(point, centre) for point in points_of(ring)) for ring in rings)
    assert radii == pytest.approx([60, 120, 180, 240], abs=0.02)
    assert len(by_id(root, "radar-grid").findall(f"{SVG}line")) == len(LABELS)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"25", "50", "75", "100"} <= set(texts)


def test_axis_labels_carry_the_number_and_sit_outside_the_plot():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    centre = centre_of(root)
    radius = outer_radius(root)
    groups = by_id(root, "radar-labels").findall(f"{SVG}g")

    assert label_texts(root)[0] == "1. Diagnostic de l’internationalisation"
    assert [group.get("text-anchor") for group in groups][:3] == ["middle", "start", "start"]
    assert groups[7].get("text-anchor") == "end"
    for group in groups:
        for text in group.findall(f"{SVG}text"):
            position = (float(text.get("x")), float(text.get("y")))
            assert distance(position, centre) > radius


def test_long_labels_are_wrapped_onto_three_short_lines_at_most():
    long_label = "Un intitulé vraiment très long qui déborde largement de trois lignes de texte"
    root = parse(radar_svg([*ten_axes()[:3], RadarAxis(4, long_label, 20)], title="Scores"))
    lines = [text.text for text in by_id(root, "radar-labels").findall(f"{SVG}g")[3]]

    assert len(lines) == 3
    assert all(len(line) <= 18 for line in lines)
    assert lines[-1].endswith("…")


def test_a_label_that_was_not_evaluated_says_so_in_an_accessible_grey():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    groups = by_id(root, "radar-labels").findall(f"{SVG}g")

    assert label_texts(root)[3].endswith(" (non évaluée)")
    assert groups[3].get("fill") == "#4a5560"
    assert groups[2].get("fill") != "#4a5560"


def test_the_score_series_is_a_filled_dark_blue_outline_with_markers():
    root = parse(radar_svg(ten_axes(), title="Scores"))
    polygon = by_id(root, "radar-score")

    assert polygon.get("fill") == "#1d4f6e"
    assert polygon.get("fill-opacity") == "0.25"
    assert polygon.get("stroke") == "#1d4f6e"
    assert polygon.get("stroke-width") == "2"
    assert polygon.get("stroke-dasharray") is None
    assert len(by_id(root, "radar-markers").findall(f"{SVG}circle")) == len(LABELS)


def test_hostile_text_is_escaped_everywhere():
    axes = [RadarAxis(1, HOSTILE, 30), *ten_axes()[1:]]
    svg = radar_svg(axes, title=HOSTILE, comparison=[50] * 10, comparison_label=HOSTILE)
    root = parse(svg)

    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == HOSTILE
    assert f"1. {HOSTILE}" in root.find(f"{SVG}desc").text
    assert label_texts(root)[0] == f"1. {HOSTILE}"
    assert HOSTILE in [text.text for text in by_id(root, "radar-legend").iter(f"{SVG}text")]
    assert root.find(f".//{SVG}script") is None


def test_quotes_in_a_description_are_kept():
    description = "Des \"guillemets\" et des 'apostrophes' & <balises>"
    root = parse(radar_svg(ten_axes(), title="Scores", description=description))

    assert root.find(f"{SVG}desc").text == description


def test_the_chart_has_no_script_style_or_external_reference():
    svg = radar_svg(ten_axes(), title="Scores", comparison=[50] * 10)

    for forbidden in ("<script", "<style", "class=", "href", "<foreignObject", "url("):
        assert forbidden not in svg


def test_numbers_have_at_most_two_decimals():
    axes = [RadarAxis(number, f"Axe {number}", 100 / 3 * (number % 4)) for number in range(1, 8)]
    svg = radar_svg(axes, title="Scores", comparison=[100 / 7] * 7, size=333)

    assert not re.search(r"\d\.\d{3,}", svg)


def test_the_same_input_gives_the_same_string():
    def render():
        return radar_svg(ten_axes(), title="Scores", comparison=[50.0] * 10)

    assert render() == render()


@pytest.mark.parametrize("count", [1, 2, 3, 12])
def test_any_number_of_axes_from_one_to_twelve_renders(count):
    root = parse(radar_svg(axes_of(count), title="Scores", comparison=[40.0] * count))

    assert len(points_of(by_id(root, "radar-score"))) == count
    assert len(label_texts(root)) == count
    assert len(by_id(root, "radar-markers").findall(f"{SVG}circle")) == count


def test_the_labels_fit_inside_the_view_box():
    root = parse(radar_svg(axes_of(12), title="Scores"))
    _x, _y, width, height = map(float, root.get("viewBox").split())

    for text in by_id(root, "radar-labels").iter(f"{SVG}text"):
        assert 0 < float(text.get("x")) < width
        assert 0 < float(text.get("y")) < height
    assert width > outer_radius(root) * 2 and height > outer_radius(root) * 2


def test_without_comparison_there_is_no_dashed_series_and_no_legend():
    svg = radar_svg(ten_axes(), title="Scores")
    root = parse(svg)

    assert root.find(".//*[@id='radar-comparison']") is None
    assert root.find(".//*[@id='radar-legend']") is None
    assert "stroke-dasharray" not in svg
    assert "Votre collectivité" not in svg


def test_a_comparison_is_drawn_dashed_with_a_legend_for_both_series():
    comparison = [50, 60, 55, 40, None, 30, 70, 45, 20, 50]
    root = parse(radar_svg(ten_axes(), title="Scores", comparison=comparison))
    polygon = by_id(root, "radar-comparison")
    legend_texts = [text.text for text in by_id(root, "radar-legend").iter(f"{SVG}text")]

    assert polygon.get("stroke") == "#b3541e"
    assert polygon.get("stroke-dasharray")
    assert polygon.get("fill") == "none"
    assert len(points_of(polygon)) == len(LABELS)
    assert legend_texts == ["Votre collectivité", "Médiane des collectivités comparables"]
    assert by_id(root, "radar-legend").find(f"{SVG}line").get("stroke-dasharray")
    description = root.find(f"{SVG}desc").text
    assert "(Médiane des collectivités comparables\u00a0: 50)" in description
    assert "non disponible" in description


def test_a_comparison_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        radar_svg(ten_axes(), title="Scores", comparison=[50, 60])


def test_no_axes_at_all_is_refused():
    with pytest.raises(ValueError):
        radar_svg([], title="Scores")


def test_weasyprint_turns_a_page_with_the_chart_into_a_pdf():
    from weasyprint import HTML

    svg = radar_svg(ten_axes(), title="Scores", comparison=[50] * 10)
    pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()

    assert isinstance(pdf, bytes)
    assert pdf.startswith(b"%PDF")
