"""PDF rendering of a diagnostic's report with WeasyPrint: one function that returns bytes."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.enums import ActionPriority, ActionStatus, ReportVariant
from diagnostics.models import Diagnostic
from diagnostics.plan import services as plan_service
from diagnostics.results.report import Report, build_report
from diagnostics.scoring import round_half_up

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"
STYLESHEET = Path(settings.BASE_DIR) / "static" / "pdf" / "report.css"
TEMPLATES = {ReportVariant.FULL: "pdf/report.html", ReportVariant.SUMMARY: "pdf/synthese.html"}


@cache
def template_version() -> str:
    """A hash of the PDF templates and stylesheet: a new layout makes new files."""
    digest = hashlib.sha256()
    for path in [*sorted(TEMPLATE_DIR.glob("*.html")), STYLESHEET]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Snapshot:
    context: dict
    content_hash: str


def _euros(amount) -> str:
    return formats.number_format(amount, 0, use_l10n=True, force_grouping=True) + "\u00a0€"


def council_sentences(report: Report, actions) -> list[str]:
    """Three to five sentences in plain French that can be read aloud in council."""
    diagnostic = report.diagnostic
    result = report.result
    name = diagnostic.collectivite.name
    sentences = []
    if result.overall is None:
        sentences.append(
            _("Le diagnostic de %(name)s ne permet pas encore de calculer un score global.")
            % {"name": name}
        )
    else:
        sentences.append(
            _(
                "Avec un score global de %(score)s sur 100, l’action européenne et internationale "
                "de %(name)s se situe au niveau «\u00a0%(level)s\u00a0»."
            )
            % {
                "score": round_half_up(result.overall),
                "name": name,
                "level": result.overall_level.label,
            }
        )
    if report.strengths:
        titles = ", ".join(
            f"«\u00a0{s.recommendation.short_title}\u00a0»" for s in report.strengths
        )
        sentences.append(_("Ses points forts sont\u00a0: %(titles)s.") % {"titles": titles})
    if report.priorities:
        titles = ", ".join(
            f"«\u00a0{s.recommendation.short_title}\u00a0»" for s in report.priorities
        )
        sentences.append(
            _("Les priorités pour la suite du mandat sont\u00a0: %(titles)s.") % {"titles": titles}
        )
    delta = report.overall_delta
    if delta is not None:
        points = round_half_up(result.overall) - round_half_up(report.evolution.previous_overall)
        if points > 0:
            text = _("Le score global a progressé de %(n)s points depuis «\u00a0%(title)s\u00a0».")
        elif points < 0:
            text = _("Le score global a reculé de %(n)s points depuis «\u00a0%(title)s\u00a0».")
        else:
            text = _("Le score global est stable depuis «\u00a0%(title)s\u00a0».")
        sentences.append(text % {"n": abs(points), "title": report.evolution.previous.title})
    elif report.peers and report.peers.overall_median is not None and result.overall is not None:
        median = round_half_up(report.peers.overall_median)
        sentences.append(
            _("La médiane des %(count)s collectivités comparables est de %(median)s sur 100.")
            % {"count": report.peers.count, "median": median}
        )
    if actions:
        budget = sum((a.budget_amount or Decimal(0) for a in actions), Decimal(0))
        text = ngettext(
            "Le plan d’action compte %(n)s action",
            "Le plan d’action compte %(n)s actions",
            len(actions),
        ) % {"n": len(actions)}
        if budget:
            text += _(", pour un budget identifié de %(budget)s") % {"budget": _euros(budget)}
        sentences.append(text + ".")
    return sentences[:5]


def _plan_groups(actions):
    groups = []
    for priority in ActionPriority:
        items = [a for a in actions if a.priority == priority]
        if items:
            groups.append({"label": priority.label, "actions": items})
    return groups


def report_snapshot(diagnostic: Diagnostic, variant: str) -> Snapshot:
    report = build_report(diagnostic)
    actions = [
        a
        for a in plan_service.plan_actions(diagnostic)
        if not a.dismissed and a.status != ActionStatus.ABANDONED
    ]
    sentences = council_sentences(report, actions)
    peers = report.peers
    hashed = {
        "variant": variant,
        "template": template_version(),
        "collectivite": diagnostic.collectivite.name,
        "title": diagnostic.title,
        "status": diagnostic.status,
        "submitted_at": diagnostic.submitted_at.isoformat() if diagnostic.submitted_at else None,
        "report": report.as_json(),
        "plan": [plan_service.action_state(a) for a in actions],
        "evolution": report.evolution.previous_scores if report.evolution else None,
        "peers": [peers.count, peers.means, peers.medians, peers.overall_median] if peers else None,
        "sentences": sentences,
    }
    content_hash = hashlib.sha256(
        json.dumps(hashed, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
    context = {
        "report": report,
        "diagnostic": diagnostic,
        "sentences": sentences,
        "plan_groups": _plan_groups(actions),
        "plan_actions": actions,
        "radar": mark_safe(report.radar_svg(id_prefix="radar-pdf")),
        "generated_at": timezone.localtime(),
        "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
        "content_hash": content_hash,
    }
    return Snapshot(context=context, content_hash=content_hash)


def render_html(snapshot: Snapshot, variant: str) -> str:
    return render_to_string(TEMPLATES[variant], snapshot.context)


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1", uncompressed_pdf=False
    )


def render_report(diagnostic: Diagnostic, variant: str) -> bytes:
    """The PDF of a diagnostic's report (``complet`` or ``synthese``), as bytes."""
    snapshot = report_snapshot(diagnostic, variant)
    return write_pdf(render_html(snapshot, variant))
