"""The life of a diagnostic: one per year, renamed, deleted only before submission, archived,
submitted and reopened through confirmation pages, each step in its history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Answer, Diagnostic, DiagnosticEvent
from diagnostics.services import (
    InvalidYear,
    NotArchivable,
    ReasonRequired,
    SubmittedDiagnosticKept,
    YearTaken,
    archive_diagnostic,
    create_diagnostic,
    delete_diagnostic,
    first_free_year,
    rename_diagnostic,
    reopen_diagnostic,
    submit_diagnostic,
)
from tests.diagnostics.helpers import answer_everything
from tests.factories import DiagnosticFactory

THIS_YEAR = timezone.localdate().year


def kinds(diagnostic):
    return list(
        DiagnosticEvent.objects.filter(diagnostic=diagnostic)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def submitted(client, catalogue, collectivite, referent, questions):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2025
    )
    client.force_login(referent)
    answer_everything(client, diagnostic, questions)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    return diagnostic


# --- One diagnostic per year ------------------------------------------------------------------


def test_the_first_free_year_is_this_year_or_the_next_free_one():
    assert first_free_year([], start=2026) == 2026
    assert first_free_year([2026, 2027, None, 2030], start=2026) == 2028
    assert first_free_year([2100], start=2100) is None


def test_a_diagnostic_is_created_for_a_year_and_recorded(catalogue, collectivite, referent):
    diagnostic = create_diagnostic(
        collectivite=collectivite, title="Diagnostic 2027", year=2027, by=referent
    )
    assert diagnostic.year == 2027
    assert kinds(diagnostic) == ["cree"]


def test_without_a_year_the_first_free_one_from_this_year_is_taken(
    catalogue, collectivite, referent
):
    create_diagnostic(collectivite=collectivite, title="A", by=referent)
    second = create_diagnostic(collectivite=collectivite, title="B", by=referent)
    assert second.year == THIS_YEAR + 1


def test_a_second_diagnostic_for_a_year_is_refused_with_the_existing_one(
    catalogue, collectivite, referent
):
    first = create_diagnostic(collectivite=collectivite, title="Premier", year=2027, by=referent)
    with pytest.raises(YearTaken) as refusal:
        create_diagnostic(collectivite=collectivite, title="Second", year=2027, by=referent)
    assert refusal.value.existing == first
    assert Diagnostic.objects.count() == 1


def test_another_collectivite_may_have_the_same_year(catalogue, collectivite, referent, outsider):
    create_diagnostic(collectivite=collectivite, title="A", year=2027, by=referent)
    other = outsider.memberships.get().collectivite
    assert create_diagnostic(collectivite=other, title="B", year=2027, by=outsider).year == 2027


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_refused(catalogue, collectivite, referent, year):
    with pytest.raises(InvalidYear):
        create_diagnostic(collectivite=collectivite, title="X", year=year, by=referent)


def test_the_dashboard_proposes_the_next_free_year(client, catalogue, collectivite, referent):
    DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, year=THIS_YEAR)
    client.force_login(referent)
    content = client.get(reverse("dashboard")).content.decode()
    assert f'value="{THIS_YEAR + 1}"' in content
    assert f"Diagnostic {THIS_YEAR + 1}" in content


def test_creating_a_duplicate_year_shows_an_error_linking_to_the_existing_one(
    client, catalogue, collectivite, referent
):
    existing = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, year=2027, title="Bilan 2027"
    )
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_create", args=[collectivite.public_id]),
        {"year": "2027", "title": "Encore"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Cette année a déjà son diagnostic, «\u00a0Bilan 2027\u00a0»." in content
    assert reverse("diagnostic_overview", args=[existing.public_id]) in content
    assert "data-error-summary" in content
    assert Diagnostic.objects.count() == 1


def test_a_blank_title_becomes_diagnostic_and_the_year(client, catalogue, collectivite, referent):
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_create", args=[collectivite.public_id]), {"year": "2028", "title": ""}
    )
    assert response.status_code == 302
    assert Diagnostic.objects.get().title == "Diagnostic 2028"


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Indiquez l’année du diagnostic."),
        ("deux mille", "Indiquez l’année en chiffres, par exemple 2026."),
        ("1999", "L’année doit être comprise entre 2000 et 2100."),
    ],
)
def test_a_bad_year_is_explained_in_french(
    client, catalogue, collectivite, referent, year, message
):
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_create", args=[collectivite.public_id]), {"year": year, "title": "X"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Diagnostic.objects.exists()


# --- Renaming ---------------------------------------------------------------------------------


def test_the_referent_renames_a_diagnostic_and_it_is_recorded(
    client, diagnostic, referent, collectivite
):
    diagnostic.year = 2026
    diagnostic.save()
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_rename", args=[diagnostic.public_id]),
        {"title": "Bilan de l’exercice 2025", "year": "2025"},
    )
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert (diagnostic.title, diagnostic.year) == ("Bilan de l’exercice 2025", 2025)
    event = DiagnosticEvent.objects.get(diagnostic=diagnostic, kind="renomme")
    assert event.actor == referent
    assert "Diagnostic 2026" in event.details


def test_renaming_to_a_taken_year_is_refused(client, diagnostic, referent, catalogue):
    other = DiagnosticFactory(
        collectivite=diagnostic.collectivite, catalogue=catalogue, year=2024, title="Bilan 2024"
    )
    with pytest.raises(YearTaken):
        rename_diagnostic(diagnostic=diagnostic, title="X", year=2024, by=referent)
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_rename", args=[diagnostic.public_id]), {"title": "X", "year": "2024"}
    )
    assert response.status_code == 400
    assert reverse("diagnostic_overview", args=[other.public_id]) in response.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.title == "Diagnostic 2026"


def test_a_legacy_diagnostic_without_year_may_get_one_or_stay_without(client, diagnostic, referent):
    assert diagnostic.year is None
    client.force_login(referent)
    page = client.get(reverse("diagnostic_overview", args=[diagnostic.public_id]))
    assert "année non précisée" in page.content.decode()
    url = reverse("diagnostic_rename", args=[diagnostic.public_id])
    assert client.post(url, {"title": "Ancien", "year": ""}).status_code == 302
    diagnostic.refresh_from_db()
    assert (diagnostic.title, diagnostic.year) == ("Ancien", None)
    assert client.post(url, {"title": "Ancien", "year": "2019"}).status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.year == 2019
    # Once it has a year, it keeps one.
    assert client.post(url, {"title": "Ancien", "year": ""}).status_code == 400


def test_an_agent_cannot_rename(client, diagnostic, agent):
    client.force_login(agent)
    url = reverse("diagnostic_rename", args=[diagnostic.public_id])
    assert client.post(url, {"title": "X", "year": "2030"}).status_code == 403


# --- Deleting and archiving -------------------------------------------------------------------


def test_deleting_asks_for_the_title_then_deletes_and_records(
    client, diagnostic, referent, questions
):
    client.force_login(referent)
    answer_everything(client, diagnostic, questions)
    url = reverse("diagnostic_delete", args=[diagnostic.public_id])
    assert "saisissez exactement son titre" in client.get(url).content.decode()
    response = client.post(url, {"confirmation": "Diagnostic"})
    assert response.status_code == 400
    assert "Le texte saisi ne correspond pas au titre du diagnostic." in response.content.decode()
    assert Diagnostic.objects.filter(pk=diagnostic.pk).exists()

    response = client.post(url, {"confirmation": "Diagnostic 2026"})
    assert response.status_code == 302
    assert not Diagnostic.objects.filter(pk=diagnostic.pk).exists()
    assert not Answer.objects.exists()
    event = DiagnosticEvent.objects.get(kind="supprime")
    assert (event.diagnostic, event.title, event.actor) == (None, "Diagnostic 2026", referent)
    assert event.collectivite == diagnostic.collectivite


def test_a_submitted_diagnostic_is_never_deleted(client, submitted, referent):
    with pytest.raises(SubmittedDiagnosticKept):
        delete_diagnostic(diagnostic=submitted, by=referent)
    url = reverse("diagnostic_delete", args=[submitted.public_id])
    response = client.post(url, {"confirmation": submitted.title})
    assert response.status_code == 409
    assert "Un diagnostic soumis n’est jamais supprimé" in response.content.decode()
    assert Diagnostic.objects.filter(pk=submitted.pk).exists()
    assert not DiagnosticEvent.objects.filter(kind="supprime").exists()


def test_a_submitted_diagnostic_is_archived_and_brought_back(client, submitted, referent):
    url = reverse("diagnostic_archive", args=[submitted.public_id])
    assert client.post(url, {"decision": "archiver"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.is_archived
    content = client.get(reverse("dashboard")).content.decode()
    assert "Diagnostics archivés (1)" in content
    assert client.post(url, {"decision": "desarchiver"}).status_code == 302
    submitted.refresh_from_db()
    assert not submitted.is_archived
    assert kinds(submitted)[-2:] == ["archive", "desarchive"]


def test_a_draft_is_not_archived(client, diagnostic, referent):
    with pytest.raises(NotArchivable):
        archive_diagnostic(diagnostic=diagnostic, by=referent)
    client.force_login(referent)
    url = reverse("diagnostic_archive", args=[diagnostic.public_id])
    response = client.post(url, {"decision": "archiver"}, follow=True)
    assert "Seul un diagnostic soumis peut être archivé" in response.content.decode()
    diagnostic.refresh_from_db()
    assert not diagnostic.is_archived


# --- Submitting and reopening -----------------------------------------------------------------


def test_the_submit_page_shows_completeness_and_what_happens_next(
    client, diagnostic, referent, questions
):
    client.force_login(referent)
    url = reverse("diagnostic_submit", args=[diagnostic.public_id])
    content = client.get(url).content.decode()
    required = [q for q in questions.questions if q.required]
    # The plural form of 0 comes from the French catalogue, regenerated at merge time.
    assert f"obligatoires répondues sur {len(required)}." in content.replace(
        "obligatoire répondue", "obligatoires répondues"
    )
    assert f"#q-{required[0].code}" in content
    assert "Confirmer la soumission" not in content
    assert "Ce qui se passe ensuite" in content
    assert "élus" in content

    answer_everything(client, diagnostic, questions)
    content = client.get(url).content.decode()
    assert "Toutes les questions obligatoires ont une réponse." in content
    assert "Confirmer la soumission" in content
    assert "Je ne sais pas" not in content

    # Two « Je ne sais pas » are said, with what they cost, and do not block the submission.
    unknown = Answer.objects.filter(diagnostic=diagnostic).order_by("pk")[:2]
    Answer.objects.filter(pk__in=[a.pk for a in unknown]).update(value=None, dont_know=True)
    content = client.get(url).content.decode()
    assert (
        "2 réponses «\u00a0Je ne sais pas\u00a0»\u00a0: elles comptent comme répondues" in content
    )
    assert "Confirmer la soumission" in content


def test_submitting_is_recorded_with_who_and_when(client, submitted, referent):
    event = DiagnosticEvent.objects.get(diagnostic=submitted, kind="soumis")
    assert event.actor == referent
    assert event.created_at == submitted.submitted_at


def test_the_submit_page_of_a_submitted_diagnostic_leads_back(client, submitted):
    response = client.get(reverse("diagnostic_submit", args=[submitted.public_id]), follow=True)
    assert "Ce diagnostic est déjà soumis." in response.content.decode()


def test_reopening_needs_a_reason_which_the_history_shows(client, submitted, referent, elu):
    url = reverse("diagnostic_reopen", args=[submitted.public_id])
    assert "Motif de la réouverture" in client.get(url).content.decode()
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Indiquez le motif de la réouverture." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.is_submitted

    response = client.post(url, {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "2\u00a0000 caractères au plus" in response.content.decode()

    response = client.post(url, {"reason": "Le budget 2025 était faux."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert not submitted.is_submitted
    event = DiagnosticEvent.objects.get(diagnostic=submitted, kind="rouvert")
    assert (event.actor, event.reason) == (referent, "Le budget 2025 était faux.")

    client.force_login(elu)
    content = client.get(reverse("diagnostic_overview", args=[submitted.public_id])).content
    assert "Le budget 2025 était faux." in content.decode()


def test_the_service_refuses_a_reopening_without_reason(submitted, referent):
    with pytest.raises(ReasonRequired):
        reopen_diagnostic(diagnostic=submitted, by=referent, reason=" ")
    submitted.refresh_from_db()
    assert submitted.is_submitted


def test_answers_of_a_submitted_diagnostic_cannot_be_confirmed(client, submitted, questions):
    """Saving (confirming) an answer of a submitted diagnostic is refused, nothing changes."""
    from tests.diagnostics.helpers import answer_payload, save_url

    question = questions.questions[0]
    before = list(Answer.objects.values_list("pk", "revision"))
    payload = answer_payload(
        question, questions.options_by_question.get(question.pk, []), high=False, revision=1
    )
    response = client.post(save_url(submitted, question), payload)
    assert response.status_code == 409
    assert "soumis" in response.json()["message"]
    assert list(Answer.objects.values_list("pk", "revision")) == before


def test_the_history_is_shown_to_members_and_its_queries_do_not_grow(
    client, submitted, referent, agent
):
    client.force_login(agent)
    url = reverse("diagnostic_overview", args=[submitted.public_id])
    content = client.get(url).content.decode()
    assert "Historique" in content
    assert "Soumis</strong> par" in content
    assert "Rouvrir le diagnostic…" not in content


@pytest.mark.parametrize("name", ["diagnostic_rename", "diagnostic_delete", "diagnostic_reopen"])
def test_an_outsider_gets_404(client, submitted, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[submitted.public_id])).status_code == 404
