"""The budget in the diagnostic's reports: « Ce que la loi permet / ce qui est engagé / la marge »
for the diagnostic's year, as plain JSON data (every value already as the reader sees it, so that
the report's hash covers it), and the sentences that point R8's suggested actions to the room
left."""

from django.urls import reverse
from django.utils.translation import gettext as _

from budget import feed
from budget.enums import Holder
from budget.formatting import euros
from budget.mechanisms import MECHANISMS
from budget.selectors import room_left_sentence, year_budget


def _row(room) -> dict:
    info = MECHANISMS[room.mechanism]
    row = {
        "mechanism": str(info.label),
        "article": str(info.article_label),
        "allowed": "",
        "committed": "",
        "margin": "",
        "note": "",
        "over": False,
        "not_said": False,
    }
    if not room.holds_competence:
        if room.holder == Holder.OTHER:
            row["note"] = _(
                "Compétence exercée par %(name)s : c’est cet organisme qui peut mobiliser ce 1 %%."
            ) % {"name": room.holder_name}
        else:
            row["note"] = _("Compétence non renseignée.")
            row["not_said"] = True
        return row
    row["committed"] = euros(room.committed)
    if room.ceiling is None:
        row["allowed"] = _("Ressources non saisies")
        row["margin"] = "—"
        return row
    row["allowed"] = euros(room.ceiling)
    row["margin"] = euros(room.room_left)
    if room.base_is_estimate:
        row["note"] = _("Base estimée (service financé dans le budget général).")
    if room.over_ceiling:
        row["over"] = True
        row["note"] = _(
            "Dépassement de %(overrun)s : les montants engagés dépassent le plafond de 1 %%. "
            "Le surplus peut relever du budget général (article L1115-1)."
        ) % {"overrun": euros(room.overrun)}
    return row


def report_table(diagnostic) -> dict | None:
    """The table of the diagnostic's year; None when nothing is entered for that year."""
    if not diagnostic.year:
        return None
    budget = year_budget(diagnostic.collectivite, diagnostic.year)
    if budget.is_empty:
        return None
    rows = [_row(room) for room in budget.rooms]
    return {
        "year": diagnostic.year,
        "rows": rows,
        "total": euros(budget.totals.total),
        # For the yearly report, that keeps to the rows with something to say and names the
        # others in one sentence (« Compétence non renseignée : … »).
        "stated": sum(1 for row in rows if not row["not_said"]),
        "not_said": ", ".join(row["mechanism"] for row in rows if row["not_said"]),
    }


def action_rooms(diagnostic, data) -> dict[int, list[dict]]:
    """For R8's suggested actions tied to a « 1 % » question (by action id): the mechanisms of
    that question with room left in the diagnostic's year, as {"sentence", "url"}."""
    if not diagnostic.year:
        return {}
    rooms = {
        room.mechanism: room
        for room in year_budget(diagnostic.collectivite, diagnostic.year).rooms
        if room.has_room
    }
    if not rooms:
        return {}
    url = reverse("budget_year", args=[diagnostic.collectivite.public_id, diagnostic.year])
    codes = {q.pk: q.code for q in data.questions_by_rec.get(feed.RECOMMENDATION, [])}
    found = {}
    for action in data.actions:
        code = codes.get(action.question_id)
        mechanisms = feed.MECHANISM_QUESTIONS.get(code, ())
        entries = [
            {"sentence": room_left_sentence(rooms[m], diagnostic.year), "url": url}
            for m in mechanisms
            if m in rooms
        ]
        if entries:
            found[action.pk] = entries
    return found
