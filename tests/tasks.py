"""Mail and tasks as the worker sees them: a recording mail backend and a queue left unrun."""

from django.core.mail.backends.base import BaseEmailBackend


class RecordingEmailBackend(BaseEmailBackend):
    """Stands for a (possibly slow) SMTP server: tests look at who calls it, never at the clock."""

    sent: list = []

    def send_messages(self, email_messages):
        RecordingEmailBackend.sent.extend(email_messages)
        return len(email_messages)


def queued(queue) -> list:
    return [(result.task, result.kwargs) for result in queue.results]


def run_queued_tasks(queue) -> None:
    """Run what is queued now, as the worker would (tasks they queue stay queued)."""
    results = list(queue.results)
    queue.clear()
    for result in results:
        result.task.call(*result.args, **result.kwargs)
