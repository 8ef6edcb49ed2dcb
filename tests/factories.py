"""factory_boy factories for the tests."""

import factory

from accounts.models import Collectivite, Membership, User
from accounts.siren import siren_with_key
from diagnostics.models import Diagnostic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.localhost")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CollectiviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collectivite

    name = factory.Sequence(lambda n: f"Commune n° {n}")
    kind = "commune"
    siren = factory.Sequence(lambda n: siren_with_key(f"{30000000 + n:08d}"))
    population = 10_000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    collectivite = factory.SubFactory(CollectiviteFactory)
    role = "agent"


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    collectivite = factory.SubFactory(CollectiviteFactory)
    title = "Diagnostic 2026"
