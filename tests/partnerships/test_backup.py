"""The registry, its history and the finder's visibility travel in the collectivité's backup; the
import checks them as the forms do and writes nothing when one is wrong."""

import json
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Collectivite, User
from diagnostics.backup import ImportRefused, export_collectivite, import_collectivite
from partnerships.forms import PartnershipForm
from partnerships.models import FinderProfile, Partnership, PartnershipEvent
from partnerships.services import delete_partnership, save_partnership, set_finder_visibility
from territories.models import Territory


@pytest.fixture
def registry(collectivite, referent, agent):
    Territory.objects.create(
        kind="commune",
        code="69123",
        siren="216901231",
        name="Lyon",
        search_name="lyon",
        population=520_000,
    )
    for values in [
        {
            "partner_name": "Commune de Podor",
            "country": "SN",
            "partner_area": "Podor",
            "kind": "cooperation",
            "themes": ["eau", "sante"],
            "state": "actif",
            "signed_on": "2019-07-14",
            "co_partner_sirens": "216901231",
            "territory_actors": "Université, association des riverains",
            "yearly_budget": "98765.43",
            "funding_sources": ["1pc_eau", "afd_ficol"],
            "convention_url": "https://exemple.localhost/convention.pdf",
            "contact": "Awa Diop",
        },
        {
            "partner_name": "Ville d’Essen",
            "country": "DE",
            "kind": "jumelage",
            "state": "termine",
            "signed_on": "1975-05-01",
            "ended_on": "2020-12-31",
        },
        {"partner_name": "Éphémère", "country": "JP", "kind": "reseau", "state": "actif"},
    ]:
        form = PartnershipForm(data=values)
        assert form.is_valid(), form.errors
        save_partnership(collectivite=collectivite, form=form, by=agent)
    delete_partnership(partnership=Partnership.objects.get(partner_name="Éphémère"), by=referent)
    set_finder_visibility(
        collectivite=collectivite,
        visible=True,
        contact_email="international@exemple.localhost",
        by=referent,
    )
    return collectivite


def exported_and_forgotten(collectivite):
    data = json.loads(json.dumps(export_collectivite(collectivite)))
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).delete()
    return data


def snapshot(collectivite):
    partnerships = [
        (
            str(p.public_id),
            p.partner_name,
            p.country.code,
            p.partner_area,
            p.kind,
            p.themes,
            p.state,
            p.signed_on,
            p.ended_on,
            [t.siren for t in p.co_partners.all()],
            p.territory_actors,
            p.yearly_budget,
            p.funding_sources,
            p.convention_url,
            p.contact,
            p.created_at,
        )
        for p in Partnership.objects.filter(collectivite=collectivite).order_by("partner_name")
    ]
    events = [
        (
            e.partnership.public_id if e.partnership else None,
            e.partner_name,
            e.actor.email if e.actor else None,
            e.kind,
            e.changed_fields,
            e.created_at,
        )
        for e in PartnershipEvent.objects.filter(collectivite=collectivite).order_by(
            "created_at", "kind"
        )
    ]
    profile = FinderProfile.objects.get(collectivite=collectivite)
    return partnerships, events, (profile.visible, profile.contact_email, profile.updated_by.email)


def test_the_registry_comes_back_identical(registry):
    before = snapshot(registry)
    assert len(before[0]) == 2 and len(before[1]) == 6  # 3 added, 1 deleted, shown, contact
    data = exported_and_forgotten(registry)
    section = data["partnerships"]
    podor = next(p for p in section["registry"] if p["country"] == "SN")
    assert podor["signed_on"] == "2019-07-14"
    assert podor["co_partners"] == ["216901231"]
    assert podor["yearly_budget"] == "98765.43"
    summary = import_collectivite(data)
    after = snapshot(summary.collectivite)
    assert after == before
    podor = Partnership.objects.get(partner_name="Commune de Podor")
    assert podor.yearly_budget == Decimal("98765.43")
    assert podor.signed_on == date(2019, 7, 14)


def test_a_backup_made_before_the_registry_still_imports(registry):
    data = exported_and_forgotten(registry)
    del data["partnerships"]
    summary = import_collectivite(data)
    assert not Partnership.objects.filter(collectivite=summary.collectivite).exists()
    assert not FinderProfile.objects.filter(collectivite=summary.collectivite).exists()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["registry"][0].update(country="XX"), "Pays inconnu"),
        (lambda s: s["registry"][0].update(kind="amitie"), "Type de partenariat inconnu"),
        (lambda s: s["registry"][0].update(signed_on="14/07/2019"), "date AAAA-MM-JJ"),
        (lambda s: s["registry"][0].update(co_partners=["123456789"]), "SIREN absent"),
        (lambda s: s["registry"][0].update(themes=["peche"]), "Thématique inconnue"),
        (lambda s: s["registry"][0].update(yearly_budget="-5"), "ne peut pas être négatif"),
        (lambda s: s["history"][0].update(kind="vole"), "history"),
        (
            lambda s: s["history"][0].update(partnership="6d1f1f1e-0000-4000-8000-000000000000"),
            "n’est pas un partenariat du fichier",
        ),
        (lambda s: s["finder"].update(contact_email="pas une adresse"), "contact_email"),
        (lambda s: s["finder"].update(visible="oui"), "n’est ni true ni false"),
    ],
)
def test_a_wrong_value_is_refused_in_french_and_nothing_is_written(registry, change, problem):
    data = exported_and_forgotten(registry)
    change(data["partnerships"])
    counts = (Collectivite.objects.count(), Partnership.objects.count(), User.objects.count())
    with pytest.raises(ImportRefused) as refused:
        import_collectivite(data)
    message = str(refused.value)
    assert "rien n’a été importé" in message
    assert "partenariats" in message
    if problem != "history":
        assert problem in message, message
    counts_after = (Collectivite.objects.count(), Partnership.objects.count(), User.objects.count())
    assert counts_after == counts


def test_a_partnership_id_that_exists_is_refused(registry):
    data = json.loads(json.dumps(export_collectivite(registry)))
    registry.siren = "200000172"
    registry.save()
    data["collectivite"]["public_id"] = "6d1f1f1e-0000-4000-8000-00000000abcd"
    with pytest.raises(ImportRefused) as refused:
        import_collectivite(data, attach_existing_accounts=True)
    assert "existe déjà dans cette base" in str(refused.value)
