import pytest
from django.core.cache import cache

from recommendations.catalogue_file import (
    CATALOGUE_DIR,
    DEFAULT_CATALOGUE_PATH,
    read_catalogue_file,
)
from recommendations.services import load_catalogue
from tests.factories import CollectiviteFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache, catalogues in a per-process cache: each test starts
    from none (SQLite reuses the ids of rolled-back rows)."""
    from diagnostics.catalogue import clear_catalogue_cache

    cache.clear()
    clear_catalogue_cache()
    yield
    cache.clear()
    clear_catalogue_cache()


@pytest.fixture(scope="session")
def catalogue_content():
    return read_catalogue_file(DEFAULT_CATALOGUE_PATH)


@pytest.fixture
def catalogue(db, catalogue_content):
    version, _changed = load_catalogue(catalogue=catalogue_content)
    return version


@pytest.fixture(scope="session")
def catalogue_2026_2_content():
    return read_catalogue_file(CATALOGUE_DIR / "aeict-2026.2.yaml")


@pytest.fixture
def catalogue_2026_2(catalogue, catalogue_2026_2_content):
    """Version 2026.2, published after 2026.1 (the ``catalogue`` fixture): the latest one."""
    version, _changed = load_catalogue(catalogue=catalogue_2026_2_content)
    return version


@pytest.fixture
def collectivite(db):
    return CollectiviteFactory()


@pytest.fixture
def referent(collectivite):
    return MembershipFactory(collectivite=collectivite, role="referent").user


@pytest.fixture
def agent(collectivite):
    return MembershipFactory(collectivite=collectivite, role="agent").user


@pytest.fixture
def elu(collectivite):
    return MembershipFactory(collectivite=collectivite, role="elu").user


@pytest.fixture
def outsider(db):
    """A référent of another collectivité."""
    return MembershipFactory(role="referent").user


@pytest.fixture
def migrations_restored(transactional_db):
    """For tests that migrate the test database back and forth: whatever happens in the test,
    every app is brought back to its latest migration, so that later tests see today's tables."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def mail_server(settings):
    """The mails sent, through a backend that records them (see tests.tasks)."""
    from tests.tasks import RecordingEmailBackend

    RecordingEmailBackend.sent = []
    settings.EMAIL_BACKEND = "tests.tasks.RecordingEmailBackend"
    return RecordingEmailBackend.sent


@pytest.fixture
def queue(settings):
    """Tasks are queued and left there, as for a worker that has not run yet."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


@pytest.fixture
def proconnect(settings):
    """ProConnect turned on, against a local OpenID provider (tests.oidc_provider)."""
    # The application's URLconf is read with ProConnect off, as configured: imported on,
    # it would keep ProConnect's URLs for the tests after this one.
    import aeict.urls  # noqa: F401
    from tests.oidc_provider import Provider

    provider = Provider().start()
    for name, value in provider.settings(settings.CONTENT_SECURITY_POLICY).items():
        setattr(settings, name, value)
    settings.ROOT_URLCONF = "tests.proconnect_urls"
    yield provider
    provider.stop()
