"""The user of each signed-in request is read by a query compiled once (accounts.backends): it
must be the row the ORM reads, and refuse whom Django's ModelBackend refuses."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import PATH, UserBackend
from tests.factories import UserFactory


def _row(user):
    return {f.attname: getattr(user, f.attname) for f in type(user)._meta.concrete_fields}


def test_the_user_is_the_row_the_orm_reads(db):
    user = UserFactory(full_name="Zoé Lefèvre", language="en", last_login=timezone.now())
    UserFactory()  # another row, not read
    compiled = UserBackend().get_user(user.pk)
    orm = ModelBackend().get_user(user.pk)
    assert compiled is not None
    assert _row(compiled) == _row(orm)
    assert not compiled._state.adding
    assert compiled.last_login == user.last_login  # an aware datetime on every database


def test_unknown_and_inactive_accounts_are_nobody(db):
    inactive = UserFactory(is_active=False)
    assert UserBackend().get_user(inactive.pk) is None
    assert ModelBackend().get_user(inactive.pk) is None
    assert UserBackend().get_user(inactive.pk + 1000) is None


def test_a_login_uses_it_and_the_account_is_read_in_one_query(client, db):
    user = UserFactory(email="lea@example.org")
    user.set_password("un mot de passe assez long")
    user.save()
    response = client.post(
        reverse("login"),
        {"username": "lea@example.org", "password": "un mot de passe assez long"},
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == PATH
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    by_id = 'FROM "accounts_user" WHERE "accounts_user"."id" ='
    assert [by_id in q["sql"] for q in queries.captured_queries].count(True) == 1


def test_a_deactivated_account_is_logged_out_at_its_next_request(client, db):
    user = UserFactory()
    client.force_login(user, backend=PATH)
    assert client.get(reverse("dashboard")).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
