"""Page titles (RGAA 8.6, WCAG 2.4.2): each page of a sample has its own title, and a page whose
form shows errors says so first, « Erreur : … »."""

import html
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from diagnostics.catalogue import catalogue_data
from diagnostics.models import PlanAction
from tests.diagnostics.test_plan import action_values
from tests.factories import DiagnosticFactory, UserFactory

ERROR = "Erreur\u00a0: "


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, f"no <title> in {response.request['PATH_INFO']}"
    # Spaces and line breaks collapse; the non-breaking space after « Erreur » stays.
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", match.group(1)).strip())


@pytest.fixture
def diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, created_by=referent)


@pytest.fixture
def questions(catalogue):
    return catalogue_data(catalogue.pk)


@pytest.fixture
def two_actions(client, diagnostic, referent):
    client.force_login(referent)
    for title in ["Créer une cellule Europe", "Adhérer à un réseau de villes"]:
        values = action_values(diagnostic, title=title)
        client.post(reverse("plan_action_add", args=[diagnostic.public_id]), values)
    return list(PlanAction.objects.filter(diagnostic=diagnostic).order_by("pk"))


def test_the_main_pages_have_unique_titles_without_error(
    client, diagnostic, referent, collectivite, two_actions
):
    public = [
        reverse("home"),
        reverse("methode"),
        reverse("accessibilite"),
        reverse("login"),
        reverse("plan_du_site"),
    ]
    titles = {}
    client.logout()
    for url in public:
        titles[url] = title_of(client.get(url))
    client.force_login(referent)
    pid = diagnostic.public_id
    private = [
        reverse("dashboard"),
        reverse("diagnostic_overview", args=[pid]),
        reverse("diagnostic_results", args=[pid]),
        reverse("diagnostic_plan", args=[pid]),
        reverse("members", args=[collectivite.public_id]),
        *(reverse("diagnostic_recommendation", args=[pid, n]) for n in range(1, 11)),
        *(reverse("plan_action_edit", args=[pid, a.public_id]) for a in two_actions),
        *(reverse("plan_action_history", args=[pid, a.public_id]) for a in two_actions),
    ]
    for url in private:
        response = client.get(url)
        assert response.status_code == 200, url
        titles[url] = title_of(response)
    duplicates = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    assert not duplicates, {u: t for u, t in titles.items() if t in duplicates}
    assert not [t for t in titles.values() if t.startswith("Erreur")]
    edit = titles[private[-4]]
    assert "Créer une cellule Europe" in edit and edit.startswith("Modifier l’action")


def test_pages_showing_form_errors_are_titled_erreur(
    client, diagnostic, referent, collectivite, questions, two_actions
):
    client.force_login(referent)
    pid = diagnostic.public_id
    action = two_actions[0]
    invalid = action_values(diagnostic, title="", budget_amount="beaucoup")
    question = questions.questions[0]
    posts = [
        (reverse("plan_action_add", args=[pid]), invalid, "Plan d’action"),
        (reverse("plan_action_edit", args=[pid, action.public_id]), invalid, action.title),
        (
            reverse("diagnostic_recommendation", args=[pid, question.recommendation.number]),
            {f"{question.code}-comment": "x" * 3000},
            question.recommendation.short_title,
        ),
        (reverse("diagnostic_create", args=[collectivite.public_id]), {"year": "1"}, None),
    ]
    for url, data, expected in posts:
        response = client.post(url, data)
        assert response.status_code == 400, url
        title = title_of(response)
        assert title.startswith(ERROR), (url, title)
        if expected:
            assert expected in title
    client.logout()
    login = client.post(reverse("login"), {"username": "x@example.org", "password": "non"})
    assert title_of(login).startswith(ERROR)
    reset = client.post(reverse("password_reset"), {"email": "pas-une-adresse"})
    assert title_of(reset).startswith(ERROR)
    page = reset.content.decode()
    assert "data-error-summary" in page and 'href="#id_email"' in page


def test_a_new_password_with_errors_has_a_summary_and_an_expired_link_its_own_title(client, db):
    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("password_reset_confirm", args=[uid, token])
    form_url = client.get(url, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a", "new_password2": "b"})
    assert title_of(response).startswith(ERROR + "Nouveau mot de passe")
    page = response.content.decode()
    assert "data-error-summary" in page and 'href="#id_new_password2"' in page
    expired = client.get(reverse("password_reset_confirm", args=[uid, "0-expired"]))
    assert title_of(expired).startswith("Lien de réinitialisation expiré")
    assert "<h1>Lien de réinitialisation expiré</h1>" in expired.content.decode()
