"""The catalogue files ship their English texts: every text of both versions is translated, and
an English page shows them."""

import pytest
from django.utils import translation

from recommendations.models import Recommendation
from recommendations.selectors import translation_status

pytestmark = pytest.mark.django_db


def test_both_catalogue_files_translate_every_text(catalogue, catalogue_2026_2):
    for version in (catalogue, catalogue_2026_2):
        status = translation_status(version)
        assert status.total > 600
        assert status.translated == status.total, (
            version.code,
            [(m.obj, m.fields) for m in status.missing[:5]],
        )


def test_the_study_s_ten_wordings_have_an_english_rendering_and_keep_their_french(catalogue):
    recommendations = Recommendation.objects.filter(catalogue=catalogue).order_by("number")
    assert recommendations.count() == 10
    for recommendation in recommendations:
        assert recommendation.wording_en and recommendation.wording_en != recommendation.wording
        with translation.override("en"):
            assert recommendation.localized("short_title") == recommendation.short_title_en
        with translation.override("fr"):
            assert recommendation.localized("short_title") == recommendation.short_title
