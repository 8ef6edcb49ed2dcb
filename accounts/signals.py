"""What the accounts app tells whoever listens (the notifications app), once it is committed.

Receivers get ids, never objects: they re-read what they need, in the worker if they queue a task.
"""

from django.dispatch import Signal

# invitation_id, user_id: sent on commit by accept_invitation.
invitation_accepted = Signal()
