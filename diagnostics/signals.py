"""What the diagnostics app tells whoever listens (the notifications and budget apps).

Receivers get ids, never objects: they re-read what they need, in the worker if they queue a task.
The apps above this one hook in here, so that it never imports them.
"""

from django.dispatch import Signal

# diagnostic_id, by_id: sent on commit by submit_diagnostic and reopen_diagnostic.
diagnostic_submitted = Signal()
diagnostic_reopened = Signal()
# report_id: sent by the report task when the PDF is ready.
report_ready = Signal()
# diagnostic_id, by_id: sent on commit by remind_assignees (the day's reminder to assignees).
assignees_reminded = Signal()
# diagnostic_id, by_id: sent inside the transaction by create_diagnostic and reopen_diagnostic,
# once the diagnostic can be edited: apps that keep answers in step with their own figures (the
# budget's, see budget.feed) write them there, in the same transaction.
diagnostic_opened = Signal()
# diagnostic: sent while the full and yearly reports' data are gathered (diagnostics.reports.data
# and .bilan); each receiver returns a dict of JSON-ready parts added to them (the budget's table:
# pdf/_budget.html), and may give notes under suggested actions (data.ACTION_NOTES: the budget's
# room left under R8's actions).
full_report_parts = Signal()
