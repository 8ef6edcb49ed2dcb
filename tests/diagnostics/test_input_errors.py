"""Input errors done right: a limited text is never cut by the browser (a counter, then the
server's refusal), the invalid field is marked with its message under it, and every form's error
summary lists and links its fields."""

import re

from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitation_token
from diagnostics.models import Answer, PlanAction
from recommendations.enums import QuestionKind
from tests.diagnostics.test_plan import action_values, plan_url
from tests.factories import CollectiviteFactory, UserFactory


def rec_url(diagnostic, number):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def test_limited_texts_carry_a_counter_limit_not_a_browser_cut(client, diagnostic, agent):
    client.force_login(agent)
    page = client.get(rec_url(diagnostic, 1)).content.decode()
    assert "maxlength=" not in page.replace("data-maxlength=", "")
    assert 'data-maxlength="2000"' in page
    plan = client.get(plan_url(diagnostic)).content.decode()
    assert "maxlength=" not in plan.replace("data-maxlength=", "")
    assert 'data-maxlength="200"' in plan  # the action's title
    assert 'data-maxlength="10000"' in plan  # its description


def test_a_text_over_the_limit_is_refused_whole_not_cut(client, diagnostic, agent):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    long_title = "Jumelage " + "x" * 200
    response = client.post(add, action_values(diagnostic, title=long_title))
    assert response.status_code == 400
    page = response.content.decode()
    assert "200 caractères au plus (vous en avez saisi 209)." in page
    # Kept whole in the field, to be shortened by its author.
    assert f'value="{long_title}"' in page
    assert not PlanAction.objects.exists()


def test_an_invalid_number_is_kept_marked_and_described_under_its_field(
    client, diagnostic, agent, questions
):
    client.force_login(agent)
    number = next(q for q in questions.questions if q.kind == QuestionKind.NUMBER)
    field = f"id_{number.code}-value"
    payload = {f"{number.code}-value": "douze", f"{number.code}-comment": "à vérifier"}
    response = client.post(rec_url(diagnostic, number.recommendation.number), payload)
    assert response.status_code == 400
    page = response.content.decode()
    tag = re.search(rf'<input[^>]*id="{re.escape(field)}"[^>]*>', page).group(0)
    assert 'value="douze"' in tag
    assert "is-invalid" in tag
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    error_id = next(id_ for id_ in described if id_.endswith("_error"))
    # The message sits right under the field, before the comment box.
    card = page[page.index(f'id="q-{number.code}"') :]
    assert card.index(f'id="{error_id}"') < card.index(f"id_{number.code}-comment")
    assert "Saisissez un nombre" in card[card.index(f'id="{error_id}"') :][:400]
    # And the summary at the top links to the question.
    summary = page[
        page.index("data-error-summary") : page.index("</div>", page.index("data-error-summary"))
    ]
    assert f'href="#q-{number.code}"' in summary
    assert not Answer.objects.exists()


def test_the_sign_up_error_summary_lists_and_links_its_fields(client, db):
    invitation = Invitation.objects.create(
        collectivite=CollectiviteFactory(),
        email="nouvelle@exemple.fr",
        role="agent",
        invited_by=UserFactory(is_staff=True),
    )
    link = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(
        link, {"full_name": "", "password1": "un-mot-de-passe-solide", "password2": "autre"}
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    start = page.index("data-error-summary")
    summary = page[start : page.index("</div>", start)]
    assert "Le compte n’a pas été créé" in summary
    assert 'href="#id_full_name"' in summary
    assert 'href="#id_password2"' in summary
    # The form asks before the page is left with what was typed.
    assert "data-warn-unsaved" in page


def test_the_login_error_says_only_the_password_is_case_sensitive(client, db):
    UserFactory(email="elu@exemple.fr")
    response = client.post(
        reverse("login"), {"username": "elu@exemple.fr", "password": "mauvais-mot-de-passe"}
    )
    page = response.content.decode()
    start = page.index("data-error-summary")
    summary = page[start : page.index("</div>", start)]
    assert "Le mot de passe tient compte des majuscules, l’adresse non." in summary
