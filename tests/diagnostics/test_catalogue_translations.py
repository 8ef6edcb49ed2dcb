"""Pages in English show the catalogue's English texts, a missing one in French marked
lang="fr", and the study's wording in French with its translation; French pages are unchanged,
and English texts cost no query."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from diagnostics.catalogue import clear_catalogue_cache
from recommendations.models import Option, Question, Recommendation
from tests.catalogues import without_translations

BILINGUAL = [("fr", "Français"), ("en", "English")]


@pytest.fixture
def catalogue(catalogue):
    """The 2026.1 version without the English texts of its file: these tests translate it."""
    return without_translations(catalogue)


@pytest.fixture
def translated(catalogue):
    """A few English texts in recommendation 1; the rest stays untranslated."""
    Recommendation.objects.filter(catalogue=catalogue, number=1).update(
        short_title_en="Assessment of internationalisation",
        wording_en="Set up an assessment of the area’s internationalisation",
    )
    Question.objects.filter(recommendation__catalogue=catalogue, code="R1.Q1").update(
        text_en="Are the local authority’s international partnerships listed?"
    )
    Option.objects.filter(
        question__recommendation__catalogue=catalogue, question__code="R1.Q1", position=0
    ).update(label_en="None", description_en="No list of partnerships exists.")
    return catalogue


def page(client, diagnostic, language, number=1):
    client.force_login(diagnostic.created_by)
    url = reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])
    return client.get(url, headers={"accept-language": language}).content.decode()


@override_settings(LANGUAGES=BILINGUAL)
def test_an_english_page_shows_the_translations_and_marks_the_french_fallbacks(
    client, diagnostic, translated
):
    html = page(client, diagnostic, "en")

    assert "Assessment of internationalisation</h1>" in html
    assert "Are the local authority’s international partnerships listed?" in html
    assert "None — No list of partnerships exists." in html
    # R1.Q2 has no translation: its French text is marked as French.
    r1q2 = Question.objects.get(recommendation__catalogue=translated, code="R1.Q2")
    assert f'<span lang="fr">{r1q2.text.replace("’", "’")}</span>' in html
    partial = Option.objects.get(
        question__code="R1.Q1", position=1, question__recommendation__catalogue=translated
    )
    assert f'<span lang="fr">{partial.label}</span>' in html


@override_settings(LANGUAGES=BILINGUAL)
def test_the_study_wording_is_quoted_in_french_beside_its_translation(
    client, diagnostic, translated
):
    wording = translated.recommendations.get(number=1).wording
    english = page(client, diagnostic, "en")
    assert f'<blockquote class="wording border-start border-3 ps-3" lang="fr">{wording}' in english
    assert "Set up an assessment of the area’s internationalisation</p>" in english
    assert "wording-translation" in english

    french = page(client, diagnostic, "fr")
    assert f'<blockquote class="wording border-start border-3 ps-3">{wording}' in french
    assert "Set up an assessment" not in french
    assert "Assessment of internationalisation" not in french
    assert 'lang="fr">' not in french.split("<main", 1)[-1]


@override_settings(LANGUAGES=BILINGUAL)
def test_english_texts_cost_no_query(client, diagnostic, translated):
    def count(language):
        # The worst case for both: catalogue and rendered pages read afresh.
        clear_catalogue_cache()
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            page(client, diagnostic, language, number=2)
        return len(context.captured_queries)

    page(client, diagnostic, "fr", number=2)  # the login's own queries out of the way
    assert count("en") == count("fr")


def test_the_pdf_report_quotes_the_wording_with_its_translation(diagnostic, translated):
    from diagnostics.reports.data import full_report

    with translation.override("en"):
        sections = {s["number"]: s for s in full_report(diagnostic)["sections"]}
    assert sections[1]["title"] == "Assessment of internationalisation"
    assert sections[1]["wording_lang"] == "fr"
    assert sections[1]["wording_translation"].startswith("Set up an assessment")
    with translation.override("fr"):
        sections = {s["number"]: s for s in full_report(diagnostic)["sections"]}
    assert sections[1]["wording_translation"] == "" and sections[1]["wording_lang"] == ""
    assert sections[1]["title"] == translated.recommendations.get(number=1).short_title


@override_settings(LANGUAGES=BILINGUAL)
def test_the_data_exports_stay_in_french(client, diagnostic, translated):
    client.force_login(diagnostic.created_by)
    url = reverse("diagnostic_export_csv", args=[diagnostic.public_id])
    csv = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Are the local authority’s" not in csv
    assert Question.objects.get(code="R1.Q1", recommendation__catalogue=translated).text[:40] in csv
