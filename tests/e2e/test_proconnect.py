"""An invited agent signs in with ProConnect (a local OpenID provider), joins its collectivité,
answers a question and signs out, which ends its ProConnect session too."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Invitation, ProConnectIdentity
from diagnostics.models import Answer
from tests.e2e.helpers import PASSWORD, check_page

pytestmark = pytest.mark.e2e


def test_an_invited_agent_signs_in_with_proconnect_answers_and_signs_out(
    new_page, proconnect, diagnostic, collectivite, referent
):
    Invitation.objects.create(
        collectivite=collectivite,
        email="camille.martin@exemple.localhost",
        role="agent",
        invited_by=referent,
    )
    proconnect.next_claims = {
        "sub": "sub-camille",
        "email": "Camille.Martin@exemple.localhost",
        "email_verified": True,
        "given_name": "Camille",
        "usual_name": "Martin",
        "siret": "21440109300015",
    }
    page = new_page()
    page.goto("/connexion/")
    check_page(page, "login page with ProConnect")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Associer votre compte à ProConnect")
    expect(
        page.get_by_text("214 401 093 00015".replace(" ", "\u00a0"), exact=False)
    ).to_be_visible()
    check_page(page, "ProConnect link page, with an invitation")
    page.get_by_role("button", name=f"Accepter l’invitation {collectivite.name}").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("status").first).to_contain_text("vous avez rejoint")
    identity = ProConnectIdentity.objects.select_related("user").get()
    assert identity.user.email == "camille.martin@exemple.localhost"

    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    page.locator("[name='R1.Q7-value']").fill("4")
    page.get_by_role("button", name="Enregistrer et passer à la suivante").click()
    expect(page.get_by_role("status").first).to_contain_text("Vos réponses sont enregistrées.")
    assert Answer.objects.filter(diagnostic=diagnostic, question__code="R1.Q7").exists()

    page.get_by_role("button", name=re.compile("^Se déconnecter")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert len(proconnect.end_session_calls) == 1
    call = proconnect.end_session_calls[0]
    assert call["id_token_hint"] and call["state"]
    page.goto("/tableau-de-bord/")
    expect(page).to_have_url(re.compile(r"/connexion/"))


def test_a_refused_sign_in_is_explained_on_the_login_page(new_page, proconnect):
    proconnect.next_claims = {
        "sub": "sub-inconnue",
        "email": "inconnue@exemple.localhost",
        "email_verified": True,
    }
    page = new_page()
    page.goto("/connexion/")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    expect(page.get_by_role("status").first).to_contain_text("Demandez une invitation")
    check_page(page, "login page after a refused ProConnect sign-in")


def test_an_existing_account_is_linked_after_its_password(new_page, proconnect, agent):
    proconnect.next_claims = {"sub": "sub-agent", "email": agent.email.upper()}
    page = new_page()
    page.goto("/connexion/")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Associer votre compte à ProConnect")
    page.get_by_label("Votre mot de passe actuel").fill("pas-le-bon")
    page.get_by_role("button", name="Confirmer et associer").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Mot de passe incorrect")
    check_page(page, "ProConnect link page, wrong password")
    page.get_by_label("Votre mot de passe actuel").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer et associer").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    assert ProConnectIdentity.objects.get().user == agent
