"""What the diagnostics app tells whoever listens (the notifications app), once it is committed.

Receivers get ids, never objects: they re-read what they need, in the worker if they queue a task.
"""

from django.dispatch import Signal

# diagnostic_id, by_id: sent on commit by submit_diagnostic and reopen_diagnostic.
diagnostic_submitted = Signal()
diagnostic_reopened = Signal()
# report_id: sent by the report task when the PDF is ready.
report_ready = Signal()
# diagnostic_id, by_id: sent on commit by remind_assignees (the day's reminder to assignees).
assignees_reminded = Signal()
