"""The admin in French for everyone who reaches it, with an h1 on its login page and our theme."""

from django.urls import reverse

from tests.factories import UserFactory


def test_a_superuser_reads_the_technical_sections_in_french(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Tâches en arrière-plan" in page
    assert "Résultats des tâches" in page
    for english in ["Tasks Database Backend", "Task Results", "Task results"]:
        assert english not in page
    section = client.get(reverse("admin:app_list", args=["django_tasks_database"]))
    assert "Tâches en arrière-plan" in section.content.decode()


def test_the_admin_login_has_a_main_heading_and_our_theme(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert "<h1>Connexion à l’administration</h1>" in page
    assert "css/admin.css" in page
