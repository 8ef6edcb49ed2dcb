import pytest

from tests.factories import DiagnosticFactory


@pytest.fixture
def diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, created_by=referent)


@pytest.fixture
def questions(catalogue):
    from diagnostics.catalogue import catalogue_data

    return catalogue_data(catalogue.pk)
