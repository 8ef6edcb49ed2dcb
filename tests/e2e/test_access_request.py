"""A newcomer asks for access, an administrator accepts it, the new référent creates the account
from the invitation and logs in; the public pages for newcomers pass axe."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership
from tests.e2e.helpers import assert_errors_are_announced, check_page
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "un-mot-de-passe-solide-2027"


def test_from_the_access_request_to_the_first_login(new_page, db, mailoutbox):
    reviewer = UserFactory(full_name="Paul Plateforme", is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="change_accessrequest"))

    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Demander un accès pour ma collectivité").click()
    check_page(page, "access request form")
    page.get_by_label("Nom de la collectivité").fill("Commune de Saint-Martin-des-Champs")
    page.get_by_label("SIREN de la collectivité").fill("214 401 094")
    page.get_by_label("Type de collectivité").select_option("commune")
    page.get_by_label("Vos prénom et nom").fill("Inès Laurent")
    page.get_by_label("Votre fonction").fill("Chargée de mission relations internationales")
    page.get_by_label("Votre adresse électronique professionnelle").fill(
        "ines.laurent@saint-martin.localhost"
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    assert_errors_are_announced(page)
    check_page(page, "access request with a wrong SIREN")
    expect(page.get_by_label("Votre fonction")).to_have_value(
        "Chargée de mission relations internationales"
    )
    page.get_by_label("SIREN de la collectivité").fill("214 401 093")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    check_page(page, "access request sent")

    admin = new_page(reviewer)
    admin.get_by_role("link", name="Demandes d’accès").click()
    expect(admin.get_by_role("heading", level=2).first).to_have_text("1 demande en attente")
    check_page(admin, "queue of access requests")
    admin.get_by_role("link", name="Examiner la demande de Commune de Saint-Martin").click()
    check_page(admin, "review of an access request")
    admin.get_by_role("button", name="Accepter la demande").click()
    expect(admin.get_by_role("status")).to_contain_text("Demande acceptée")

    invitation = next(m for m in mailoutbox if "/invitation/" in m.body)
    assert invitation.to == ["ines.laurent@saint-martin.localhost"]
    link = re.search(r"https?://[^/\s]+(/invitation/\S+/)", invitation.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte")
    page.get_by_label("Prénom et nom").fill("Inès Laurent")
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("main")).to_contain_text("Commune de Saint-Martin-des-Champs")
    membership = Membership.objects.get(user__email="ines.laurent@saint-martin.localhost")
    assert membership.role == "referent"
    check_page(page, "dashboard of the new référent")


@pytest.mark.parametrize("name", ["mentions_legales", "donnees_personnelles", "contact", "aide"])
def test_the_pages_for_newcomers_pass_axe(new_page, db, name):
    page = new_page()
    page.goto(reverse(name))
    check_page(page, name)
