import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task_backends


class RecordingEmailBackend(BaseEmailBackend):
    """Whatever reaches it was sent; the tests look at who sent it, never at the clock."""

    sent: list = []

    def send_messages(self, email_messages):
        RecordingEmailBackend.sent.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def mail_server(settings):
    RecordingEmailBackend.sent = []
    settings.EMAIL_BACKEND = f"{__name__}.RecordingEmailBackend"
    return RecordingEmailBackend.sent


@pytest.fixture
def queue(settings):
    """Tasks are queued and left there, as for a worker that has not run yet."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def queued(queue) -> list:
    return [(result.task, result.kwargs) for result in queue.results]


def run_queued_tasks(queue) -> None:
    """Run what is queued now, as the worker would (tasks they queue stay queued)."""
    results = list(queue.results)
    queue.clear()
    for result in results:
        result.task.call(*result.args, **result.kwargs)
