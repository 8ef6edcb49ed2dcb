"""A report shows one plain data structure, and its cache key is the hash of exactly that."""

import copy
import json
from datetime import date
from unittest import mock

import pytest
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from diagnostics.enums import ReportStatus, ReportVariant
from diagnostics.models import Answer, ReportFile
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import make_state, save_answer, state_of
from diagnostics.reports import data, pdf
from diagnostics.reports.files import generate_report
from diagnostics.results.report import build_report
from tests.diagnostics.helpers import answer_everything
from tests.diagnostics.test_pdf import pdf_text

PLAIN = (str, int, float, bool, type(None))


@pytest.fixture
def filled(client, diagnostic, agent, questions):
    client.force_login(agent)
    answer_everything(client, diagnostic, questions, high=False)
    plan_service.accept_proposals(
        diagnostic=diagnostic,
        items=plan_service.proposals(build_report(diagnostic), []),
        by=agent,
    )
    return diagnostic


def assert_plain(value, path="data"):
    """Only JSON types, exactly: no model, lazy string, date, Decimal, tuple or safe string."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"{path}: key {key!r}"
            assert_plain(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_plain(item, f"{path}[{index}]")
    else:
        assert type(value) in PLAIN, f"{path} is a {type(value).__name__}"


def snapshot_hash(diagnostic, variant="complet"):
    return pdf.report_snapshot(diagnostic, variant).content_hash


@pytest.mark.parametrize("variant", ReportVariant.values)
def test_the_data_is_plain_json_that_round_trips_to_itself(filled, variant):
    snapshot = pdf.report_snapshot(filled, variant)
    assert_plain(snapshot.data)
    assert json.loads(pdf.canonical_json(snapshot.data)) == snapshot.data


@pytest.mark.parametrize("variant", ReportVariant.values)
def test_the_template_receives_exactly_the_hashed_data(filled, variant):
    snapshot = pdf.report_snapshot(filled, variant)
    hashed = pdf.canonical_json(snapshot.data)
    received = []

    def render(template, context):
        received.append((template, copy.deepcopy(context)))
        return render_to_string(template, context)

    with (
        mock.patch("diagnostics.reports.pdf.render_to_string", side_effect=render),
        mock.patch("diagnostics.reports.pdf.write_pdf", return_value=b"%PDF-test"),
    ):
        pdf.render_report(filled, variant, content_hash=snapshot.content_hash)
    [(template, context)] = received
    assert template == pdf.REPORTS[variant].template
    assert context == snapshot.data
    assert pdf.canonical_json(snapshot.data) == hashed, "rendering changed the data"


@pytest.mark.parametrize("variant", ReportVariant.values)
def test_the_page_is_made_of_the_data_alone(filled, variant):
    snapshot = pdf.report_snapshot(filled, variant)
    copy = json.loads(pdf.canonical_json(snapshot.data))
    again = pdf.Snapshot(definition=snapshot.definition, data=copy, content_hash="")
    assert pdf.render_html(again) == pdf.render_html(snapshot)


def _owner(diagnostic, agent, questions):
    action = plan_service.plan_actions(diagnostic)[0]
    plan_service.update_action(
        action=action, by=agent, values={"owner": "Cabinet du maire"}, base_revision=1
    )


def _status(diagnostic, agent, questions):
    action = plan_service.plan_actions(diagnostic)[0]
    plan_service.update_action(
        action=action, by=agent, values={"status": "en_cours"}, base_revision=1
    )


def _comment(diagnostic, agent, questions):
    question = questions.questions[1]
    answer = Answer.objects.get(diagnostic=diagnostic, question=question)
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=agent,
        state={**state_of(answer), "comment": "Nouveau commentaire"},
        base_revision=answer.revision,
    )


def _answer(diagnostic, agent, questions):
    question = next(q for q in questions.questions if q.kind == "boolean")
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=agent,
        state=make_state(value=True, not_applicable=False, comment=""),
        base_revision=1,
    )


def _collectivite_name(diagnostic, agent, questions):
    diagnostic.collectivite.name = "Ville renommée"
    diagnostic.collectivite.save()


def _title(diagnostic, agent, questions):
    diagnostic.title = "Un autre titre"
    diagnostic.save()


def _new_action(diagnostic, agent, questions):
    plan_service.add_action(
        diagnostic=diagnostic,
        by=agent,
        values={"title": "Jumelage", "recommendation": questions.recommendations[0]},
    )


@pytest.mark.parametrize(
    "change",
    [_owner, _status, _comment, _answer, _collectivite_name, _title, _new_action],
    ids=lambda change: change.__name__.strip("_"),
)
def test_changing_what_the_full_report_shows_changes_its_hash(filled, agent, questions, change):
    before = snapshot_hash(filled)
    change(filled, agent, questions)
    filled.refresh_from_db()
    assert snapshot_hash(filled) != before


def test_the_date_printed_on_the_cover_is_hashed(filled):
    with mock.patch.object(data, "today", return_value=date(2026, 3, 1)):
        first = pdf.report_snapshot(filled, "synthese")
    with mock.patch.object(data, "today", return_value=date(2026, 3, 2)):
        second = pdf.report_snapshot(filled, "synthese")
    assert first.data["generated_on"] == "1er mars 2026"
    assert second.content_hash != first.content_hash


def test_a_new_layout_changes_the_hash(filled):
    before = snapshot_hash(filled)
    with mock.patch.object(pdf, "template_version", return_value="another-layout"):
        assert snapshot_hash(filled) != before


def test_what_the_summary_does_not_show_leaves_its_hash_alone(filled, agent, questions):
    before = snapshot_hash(filled, "synthese")
    _comment(filled, agent, questions)
    assert snapshot_hash(filled, "synthese") == before
    assert snapshot_hash(filled, "complet") != before


def test_the_same_data_makes_the_same_hash(filled):
    assert snapshot_hash(filled) == snapshot_hash(filled)
    assert snapshot_hash(filled, "complet") != snapshot_hash(filled, "synthese")


def test_every_variant_is_one_report_definition():
    assert set(pdf.REPORTS) == set(ReportVariant.values)
    for variant, definition in pdf.REPORTS.items():
        assert definition.variant == variant
        get_template(definition.template)


def test_a_new_report_is_one_registry_entry(client, filled, elu):
    extra = pdf.ReportDefinition(variant="essai", template="pdf/synthese.html", build=data.summary)
    client.force_login(elu)
    with mock.patch.dict(pdf.REPORTS, {"essai": extra}):
        response = client.post(reverse("report_request", args=[filled.public_id, "essai"]))
        assert response.status_code == 302
        download = client.get(response.url)
    assert ReportFile.objects.get(diagnostic=filled, variant="essai").status == ReportStatus.READY
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    download.close()
    assert filled.collectivite.name in pdf_text(body)


def test_a_file_is_never_stored_under_the_hash_of_older_data(filled):
    report = ReportFile.objects.create(
        diagnostic=filled, variant="synthese", content_hash=snapshot_hash(filled, "synthese")
    )
    filled.collectivite.name = "Changée entre la demande et la génération"
    filled.collectivite.save()
    generate_report.call(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "ont changé" in report.error
    assert not report.file
