"""Evidence per answer: links and files, their checks, the questionnaire without JavaScript,
download by the collectivité's members only, removal, backups, carry-over and deletion."""

import json
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnostics.backup import export_collectivite, import_collectivite
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import DiagnosticEventKind
from diagnostics.evidence import content
from diagnostics.evidence.services import (
    EvidenceFrozen,
    EvidenceLimitReached,
    EvidenceRefused,
    add_evidence,
)
from diagnostics.models import Answer, DiagnosticEvent, Evidence
from diagnostics.services import create_diagnostic, delete_diagnostic, submit_diagnostic
from tests.diagnostics import evidence_samples as samples
from tests.diagnostics.helpers import small_catalogue
from tests.factories import DiagnosticFactory, MembershipFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    folder = media / "justificatifs"
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.fixture
def version(db):
    return small_catalogue()


@pytest.fixture
def diagnostic(version, collectivite, referent):
    return DiagnosticFactory(
        collectivite=collectivite, catalogue=version, created_by=referent, year=2026
    )


def question(diagnostic, code="A4"):
    return catalogue_data(diagnostic.catalogue_id).question_by_code(code)


def page_url(diagnostic, number=1):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def download_url(evidence):
    return reverse("evidence_download", args=[evidence.diagnostic.public_id, evidence.public_id])


def fetch(client, url):
    """A download, read to its end and closed (the file stays open until then)."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    response.close()
    return response


def upload(name="rapport.pdf", data=samples.PDF):
    return SimpleUploadedFile(name, data)


def typed_answer(code="A4", value="1500", comment="Budget 2026", revision=0) -> dict:
    """The fields of a number question as the page posts them, typed and not yet saved."""
    return {f"{code}-value": value, f"{code}-comment": comment, f"{code}-revision": revision}


# --- The type comes from the content ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.PDF, content.PDF),
        (samples.PNG, content.PNG),
        (samples.JPEG, content.JPEG),
        (samples.WEBP, content.WEBP),
        (samples.DOC, content.DOC),
        (samples.XLS, content.XLS),
        (samples.DOCX, content.DOCX),
        (samples.XLSX, content.XLSX),
        (samples.PPTX, content.PPTX),
        (samples.ODT, content.ODT),
        (samples.ODS, content.ODS),
        (samples.ODP, content.ODP),
    ],
)
def test_each_allowed_type_is_recognised_from_its_content(data, expected):
    assert content.detect_bytes(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        samples.EXE,
        samples.HTML,
        samples.SVG,
        samples.DOCM,
        samples.plain_zip(),
        samples.OLE2,
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_other_content_is_not_an_allowed_type(data):
    assert content.detect_bytes(data) is None


def test_a_program_renamed_pdf_is_refused_and_nothing_is_stored(diagnostic, agent, media):
    with pytest.raises(EvidenceRefused, match="n’est pas d’un type accepté"):
        add_evidence(
            diagnostic=diagnostic,
            question=question(diagnostic),
            by=agent,
            file=upload("rapport.pdf", samples.EXE),
        )
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_pdf_named_png_is_kept_as_the_pdf_it_is(client, diagnostic, agent):
    """The rule: a file is accepted when its content is of an allowed type, whatever its name;
    it is then stored, described and served as what its content is."""
    evidence = add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic),
        by=agent,
        file=upload("photo.png", samples.PDF),
    )
    assert evidence.content_type == "application/pdf"
    client.force_login(agent)
    response = fetch(client, download_url(evidence))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_file_is_stored_under_a_random_name_and_keeps_its_own_for_download(
    diagnostic, agent, media
):
    evidence = add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic),
        by=agent,
        label="Délibération",
        file=upload("../../délibération\x00 2026\n.docx", samples.DOCX),
    )
    assert evidence.original_name == "délibération 2026.docx"
    assert "délibération" not in evidence.file.name
    assert evidence.file.name.startswith("justificatifs/")
    assert len(evidence.file.name.rsplit("/", 1)[1]) == 40
    assert stored_files(media) == [evidence.file.name.rsplit("/", 1)[1]]
    assert evidence.label == "Délibération"
    assert evidence.added_by == agent
    event = DiagnosticEvent.objects.get(kind=DiagnosticEventKind.EVIDENCE_ADDED)
    assert event.actor == agent
    assert event.details == "A4 — Délibération"


# --- Links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://exemple.fr/a.pdf", "data:text/html,x", "file:///etc"]
)
def test_only_web_addresses_are_links(diagnostic, agent, url):
    with pytest.raises(EvidenceRefused, match="https://"):
        add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, url=url)
    assert not Evidence.objects.exists()


def test_a_link_without_a_label_is_named_by_its_address(diagnostic, agent):
    url = "https://www.cites-unies-france.org/fiche"
    evidence = add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, url=url)
    assert (evidence.kind, evidence.label, evidence.file.name) == ("lien", url, "")


# --- Limits -------------------------------------------------------------------------------------


def test_a_question_has_at_most_its_limit_of_evidence(settings, diagnostic, agent):
    settings.EVIDENCE_MAX_PER_QUESTION = 2
    q = question(diagnostic)
    for n in range(2):
        add_evidence(diagnostic=diagnostic, question=q, by=agent, url=f"https://a.fr/{n}")
    with pytest.raises(EvidenceLimitReached, match="a déjà 2 justificatifs, le maximum"):
        add_evidence(diagnostic=diagnostic, question=q, by=agent, file=upload())
    # Another question has its own count.
    add_evidence(
        diagnostic=diagnostic, question=question(diagnostic, "A1"), by=agent, url="https://b.fr"
    )
    assert Evidence.objects.count() == 3


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    settings, diagnostic, agent, media
):
    settings.EVIDENCE_MAX_FILE_SIZE = 1024
    big = samples.PDF + b"0" * 2000
    with pytest.raises(EvidenceRefused, match="dépasse la taille maximale"):
        add_evidence(
            diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload(data=big)
        )
    assert stored_files(media) == []


def test_a_submitted_diagnostic_takes_no_more_evidence(diagnostic, referent, agent):
    diagnostic.status = "soumis"
    diagnostic.save(update_fields=["status"])
    with pytest.raises(EvidenceFrozen, match="soumis"):
        add_evidence(
            diagnostic=diagnostic, question=question(diagnostic), by=agent, url="https://a.fr"
        )


# --- The questionnaire's page, without JavaScript ------------------------------------------------


def test_uploading_without_javascript_saves_the_typed_answer_with_the_file(
    client, diagnostic, agent, media
):
    client.force_login(agent)
    response = client.post(
        page_url(diagnostic),
        {
            **typed_answer(),
            "A4-justificatif-file": upload("budget.pdf"),
            "A4-justificatif-label": "Budget primitif",
            "ajouter_justificatif": "A4",
        },
    )
    assert response.status_code == 302
    assert response.url == page_url(diagnostic) + "#justificatifs-A4"
    answer = Answer.objects.get(diagnostic=diagnostic, question__code="A4")
    assert (answer.value, answer.comment) == ("1500", "Budget 2026")
    evidence = Evidence.objects.get()
    assert (evidence.label, evidence.original_name) == ("Budget primitif", "budget.pdf")
    page = client.get(page_url(diagnostic)).content.decode()
    assert "Justificatif ajouté ; vos réponses sont enregistrées." in page
    assert download_url(evidence) in page
    assert f"Ajouté par {agent.display_name} le" in page


def test_a_refused_file_keeps_the_typed_answer_saved_and_the_typed_label_shown(
    client, diagnostic, agent, media
):
    client.force_login(agent)
    response = client.post(
        page_url(diagnostic),
        {
            **typed_answer(),
            "A4-justificatif-file": upload("programme.pdf", samples.EXE),
            "A4-justificatif-label": "Mon libellé",
            "ajouter_justificatif": "A4",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "n’est pas d’un type accepté" in page
    assert 'value="Mon libellé"' in page
    assert "Un justificatif n’a pas été enregistré" in page
    assert Answer.objects.get(diagnostic=diagnostic, question__code="A4").value == "1500"
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_50_mb_upload_gets_a_french_message_and_the_answer_is_kept(
    client, diagnostic, agent, media
):
    client.force_login(agent)
    response = client.post(
        page_url(diagnostic),
        {
            "A4-justificatif-file": upload("énorme.pdf", samples.PDF + b"0" * (50 * 1024 * 1024)),
            **typed_answer(),
            "ajouter_justificatif": "A4",
        },
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale de 10\u00a0Mo" in response.content.decode()
    assert Answer.objects.get(diagnostic=diagnostic, question__code="A4").value == "1500"
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_link_and_a_file_given_together_are_both_added(client, diagnostic, agent):
    client.force_login(agent)
    response = client.post(
        page_url(diagnostic),
        {
            "A4-justificatif-file": upload(),
            "A4-justificatif-url": "https://www.afd.fr/ficol",
            "ajouter_justificatif": "A4",
        },
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("kind", flat=True)) == ["fichier", "lien"]


def test_a_file_chosen_before_pressing_save_is_not_lost(client, diagnostic, agent):
    client.force_login(agent)
    response = client.post(page_url(diagnostic), {"A4-justificatif-file": upload()})
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


def test_an_elu_reads_the_evidence_but_gets_no_form(client, diagnostic, agent, elu):
    evidence = add_evidence(
        diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload()
    )
    client.force_login(elu)
    page = client.get(page_url(diagnostic)).content.decode()
    assert download_url(evidence) in page
    assert "ajouter_justificatif" not in page
    assert "retirer_justificatif" not in page
    assert (
        client.post(page_url(diagnostic), {"A4-justificatif-url": "https://a.fr"}).status_code
        == 403
    )
    assert Evidence.objects.count() == 1


def test_the_page_of_a_submitted_diagnostic_refuses_evidence_in_french(client, diagnostic, agent):
    diagnostic.status = "soumis"
    diagnostic.save(update_fields=["status"])
    client.force_login(agent)
    response = client.post(
        page_url(diagnostic),
        {"A4-justificatif-url": "https://a.fr", "ajouter_justificatif": "A4"},
        follow=True,
    )
    assert "ses justificatifs ne peuvent plus être modifiés" in response.content.decode()
    assert not Evidence.objects.exists()


# --- Removal ------------------------------------------------------------------------------------


def remove(client, diagnostic, evidence):
    return client.post(page_url(diagnostic), {"retirer_justificatif": str(evidence.public_id)})


def test_the_person_who_added_it_removes_it_and_the_file_goes_on_commit(
    client, diagnostic, agent, media, django_capture_on_commit_callbacks
):
    evidence = add_evidence(
        diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload()
    )
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = remove(client, diagnostic, evidence)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert stored_files(media) == []
    event = DiagnosticEvent.objects.get(kind=DiagnosticEventKind.EVIDENCE_REMOVED)
    assert (event.actor, event.details) == (agent, "A4 — rapport.pdf")


def test_another_agent_cannot_remove_it_but_the_referent_can(client, diagnostic, agent, referent):
    evidence = add_evidence(
        diagnostic=diagnostic, question=question(diagnostic), by=agent, url="https://a.fr"
    )
    colleague = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    client.force_login(colleague)
    assert "retirer_justificatif" not in client.get(page_url(diagnostic)).content.decode()
    response = remove(client, diagnostic, evidence)
    assert response.status_code == 400
    assert (
        "Seuls la personne qui a ajouté ce justificatif et le référent" in response.content.decode()
    )
    assert Evidence.objects.count() == 1
    client.force_login(referent)
    assert remove(client, diagnostic, evidence).status_code == 302
    assert not Evidence.objects.exists()


def test_evidence_of_another_diagnostic_cannot_be_removed_through_this_one(
    client, diagnostic, version, agent, outsider
):
    foreign = DiagnosticFactory(catalogue=version, year=2026)
    evidence = add_evidence(
        diagnostic=foreign, question=question(foreign), by=outsider, url="https://a.fr"
    )
    client.force_login(agent)
    remove(client, diagnostic, evidence)
    assert Evidence.objects.count() == 1


# --- Download -----------------------------------------------------------------------------------


@pytest.fixture
def pdf_evidence(diagnostic, agent):
    return add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic),
        by=agent,
        file=upload("rapport « final ».pdf"),
    )


@pytest.mark.parametrize("role", ["referent", "agent", "elu"])
def test_every_member_downloads_a_file_as_an_attachment(client, pdf_evidence, role):
    user = MembershipFactory(collectivite=pdf_evidence.diagnostic.collectivite, role=role).user
    client.force_login(user)
    response = fetch(client, download_url(pdf_evidence))
    assert response.status_code == 200
    assert response.body == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''rapport%20%C2%AB%C2%A0final%C2%A0%C2%BB.pdf"
        in response["Content-Disposition"]
        or "filename*=utf-8''rapport%20%C2%AB%20final%20%C2%BB.pdf"
        in response["Content-Disposition"]
    )


def test_an_image_is_shown_inline_without_sniffing(client, diagnostic, agent):
    evidence = add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic),
        by=agent,
        file=upload("plan.png", samples.PNG),
    )
    client.force_login(agent)
    response = fetch(client, download_url(evidence))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_collectivite_gets_404_and_an_anonymous_user_the_login_page(
    client, pdf_evidence, outsider
):
    url = download_url(pdf_evidence)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    # Nor through one of its own diagnostics.
    own = DiagnosticFactory(
        collectivite=outsider.memberships.get().collectivite,
        catalogue=pdf_evidence.diagnostic.catalogue,
        year=2026,
    )
    assert (
        client.get(
            reverse("evidence_download", args=[own.public_id, pdf_evidence.public_id])
        ).status_code
        == 404
    )


def test_the_download_takes_only_get(client, pdf_evidence, agent):
    client.force_login(agent)
    assert client.post(download_url(pdf_evidence)).status_code == 405


def test_a_link_has_no_download(client, diagnostic, agent):
    evidence = add_evidence(
        diagnostic=diagnostic, question=question(diagnostic), by=agent, url="https://a.fr"
    )
    client.force_login(agent)
    assert client.get(download_url(evidence)).status_code == 404


# --- Deletion, carry-over, backups, results ------------------------------------------------------


def test_deleting_the_diagnostic_deletes_its_files_once_committed(
    diagnostic, referent, agent, media, django_capture_on_commit_callbacks
):
    add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload())
    add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic, "A1"),
        by=agent,
        file=upload("b.docx", samples.DOCX),
    )
    assert len(stored_files(media)) == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_diagnostic(diagnostic=diagnostic, by=referent)
    assert len(callbacks) == 2
    assert stored_files(media) == []
    assert not Evidence.objects.exists()


def test_a_deletion_rolled_back_keeps_the_files(diagnostic, referent, agent, media):
    from django.db import transaction

    add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload())
    with pytest.raises(RuntimeError), transaction.atomic():
        delete_diagnostic(diagnostic=diagnostic, by=referent)
        raise RuntimeError
    assert len(stored_files(media)) == 1
    assert Evidence.objects.count() == 1


def test_next_year_s_diagnostic_gets_copies_marked_as_carried(
    diagnostic, version, referent, agent, media, django_capture_on_commit_callbacks
):
    from tests.diagnostics.test_carry import answer as give_answer

    for code, value in [("A1", 2), ("A2", True), ("B1", 3), ("C1", 1)]:
        give_answer(diagnostic, code, value, by=agent)
    give_answer(
        diagnostic,
        "A3",
        catalogue_data(version.pk).options_by_question[question(diagnostic, "A3").pk][0].pk,
        by=agent,
    )
    give_answer(diagnostic, "B2", 1, by=agent)
    old_file = add_evidence(
        diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload()
    )
    add_evidence(
        diagnostic=diagnostic, question=question(diagnostic, "A1"), by=agent, url="https://a.fr"
    )
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    new = create_diagnostic(
        collectivite=diagnostic.collectivite,
        title="2027",
        year=2027,
        by=referent,
        carry_from=diagnostic,
    )
    copies = {e.question.code: e for e in Evidence.objects.filter(diagnostic=new)}
    assert set(copies) == {"A4", "A1"}
    assert {e.carried_from_year for e in copies.values()} == {2026}
    assert copies["A1"].url == "https://a.fr"
    copy = copies["A4"]
    assert copy.file.name != old_file.file.name
    assert (copy.added_by, copy.original_name) == (agent, "rapport.pdf")
    assert len(stored_files(media)) == 2
    # Removing this year's copy leaves last year's file.
    with django_capture_on_commit_callbacks(execute=True):
        copy.delete()
    with default_storage.open(old_file.file.name) as kept:
        assert kept.read() == samples.PDF


def test_evidence_comes_back_identical_after_export_and_import(diagnostic, agent, media):
    add_evidence(
        diagnostic=diagnostic,
        question=question(diagnostic),
        by=agent,
        label="Budget",
        file=upload("budget.xlsx", samples.XLSX),
    )
    add_evidence(
        diagnostic=diagnostic, question=question(diagnostic, "A1"), by=agent, url="https://a.fr"
    )
    data = json.loads(json.dumps(export_collectivite(diagnostic.collectivite)))
    before = data["diagnostics"][0]["evidence"]
    assert before[0]["file"]["content_type"] == content.XLSX.mime
    diagnostic.collectivite.delete()
    summary = import_collectivite(data, attach_existing_accounts=True)
    assert summary.evidence == 2
    again = json.loads(json.dumps(export_collectivite(summary.collectivite)))
    assert again["diagnostics"][0]["evidence"] == before
    restored = Evidence.objects.get(kind="fichier")
    with default_storage.open(restored.file.name) as stored:
        assert stored.read() == samples.XLSX


def _exported_with_file(diagnostic, agent):
    add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload())
    data = json.loads(json.dumps(export_collectivite(diagnostic.collectivite)))
    diagnostic.collectivite.delete()
    return data


def _refusal(data) -> str:
    from diagnostics.backup import ImportRefused

    with pytest.raises(ImportRefused) as refused:
        import_collectivite(data, attach_existing_accounts=True)
    return str(refused.value)


def test_the_import_checks_each_file_like_an_upload(settings, diagnostic, agent, media):
    import base64

    data = _exported_with_file(diagnostic, agent)
    files_before = stored_files(media)
    entry = data["diagnostics"][0]["evidence"][0]
    entry["file"]["base64"] = base64.b64encode(samples.EXE).decode()
    assert "n’est pas d’un type accepté" in _refusal(data)
    entry["file"]["base64"] = "pas du base64 !"
    assert "Ce n’est pas du base64." in _refusal(data)
    settings.EVIDENCE_MAX_FILE_SIZE = 10
    entry["file"]["base64"] = base64.b64encode(samples.PDF).decode()
    assert "dépasse la taille maximale" in _refusal(data)
    settings.EVIDENCE_MAX_FILE_SIZE = 10 * 1024 * 1024
    entry["kind"] = "lien"
    entry["url"] = "javascript:alert(1)"
    problems = _refusal(data)
    assert "Un lien n’a pas de fichier." in problems
    assert stored_files(media) == files_before
    assert not Evidence.objects.exists()


def test_the_import_refuses_more_evidence_than_a_question_may_have(settings, diagnostic, agent):
    data = _exported_with_file(diagnostic, agent)
    settings.EVIDENCE_MAX_PER_QUESTION = 1
    evidence = data["diagnostics"][0]["evidence"]
    evidence.append({**evidence[0], "public_id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"})
    assert "La question A4 a plus de 1 justificatifs." in _refusal(data)


def test_an_older_export_without_evidence_still_imports(diagnostic, agent):
    data = _exported_with_file(diagnostic, agent)
    del data["diagnostics"][0]["evidence"]
    assert import_collectivite(data, attach_existing_accounts=True).evidence == 0


def test_the_results_detail_counts_the_evidence_of_each_question(client, diagnostic, agent):
    add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, url="https://a.fr")
    add_evidence(diagnostic=diagnostic, question=question(diagnostic), by=agent, file=upload())
    client.force_login(agent)
    page = client.get(reverse("diagnostic_results_detail", args=[diagnostic.public_id, 1]))
    counts = [
        line.split(">")[1].split("<")[0]
        for line in page.content.decode().splitlines()
        if "data-evidence-count" in line
    ]
    assert counts == ["0", "0", "0", "2"]


def test_the_add_forms_are_built_only_when_the_page_is_rendered(
    client, diagnostic, agent, elu, monkeypatch
):
    """A page served from the cache shows the same forms without building them again; an élu's
    page, without forms, builds none."""
    from diagnostics.evidence import forms as evidence_forms

    built = []
    original = evidence_forms.EvidenceForm.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs["question"].code)
        original(self, *args, **kwargs)

    monkeypatch.setattr(evidence_forms.EvidenceForm, "__init__", counting)
    client.force_login(agent)
    first = client.get(page_url(diagnostic)).content.decode()
    questions = catalogue_data(diagnostic.catalogue_id).questions_by_rec[1]
    assert sorted(built) == sorted(q.code for q in questions)
    assert 'name="A4-justificatif-file"' in first
    built.clear()
    again = client.get(page_url(diagnostic)).content.decode()
    assert built == []
    assert 'name="A4-justificatif-file"' in again
    client.force_login(elu)
    page = client.get(page_url(diagnostic)).content.decode()
    assert built == [] and "ajouter_justificatif" not in page


def test_the_empty_add_form_kept_for_later_pages_follows_the_language_and_the_limits(
    client, diagnostic, agent, settings
):
    """Its HTML is rendered once and kept: in the page's language, with the limits the settings
    give at the time (the page itself is rendered again here by a change of its title)."""
    client.force_login(agent)
    french = client.get(page_url(diagnostic)).content.decode()
    blocks = french.count('class="evidence-add"')
    assert french.count("<summary>Ajouter un justificatif<span") == blocks > 0
    assert f"{settings.EVIDENCE_MAX_PER_QUESTION} justificatifs au plus par question" in french
    client.cookies["django_language"] = "en"
    english = client.get(page_url(diagnostic)).content.decode()
    assert english.count("<summary>Add evidence<span") == blocks
    assert "<summary>Ajouter un justificatif<span" not in english
    settings.EVIDENCE_MAX_PER_QUESTION = 7
    diagnostic.title = "Diagnostic renommé"
    diagnostic.save()
    again = client.get(page_url(diagnostic)).content.decode()
    assert "Diagnostic renommé" in again
    assert again.count("7 items of supporting evidence per question") == english.count(
        'class="evidence-add"'
    )
