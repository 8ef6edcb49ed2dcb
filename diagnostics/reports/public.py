"""The inhabitants' page of the yearly report (recommendation 5): the référent chooses what it
shows and publishes it at a stable address, /bilan/<collectivité>/<year>/, read without login.

Only what the référent ticked is shown, and never the owners of the actions, their descriptions,
budget lines or internal comments. Unpublished (the default), the address answers 404 at once.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.fields import TextField
from diagnostics.formatting import long_date
from diagnostics.models import Diagnostic, YearlyReportPage
from diagnostics.reports import bilan

PUBLISH = "publier"
UNPUBLISH = "retirer"
SAVE = "enregistrer"


class PageForm(forms.Form):
    show_actions = forms.BooleanField(label=gettext_lazy("Les actions réalisées"), required=False)
    show_partnerships = forms.BooleanField(
        label=gettext_lazy("Les partenariats de l’année"), required=False
    )
    show_costs = forms.BooleanField(
        label=gettext_lazy("Ce que cela a coûté (totaux seulement)"), required=False
    )
    show_cost_details = forms.BooleanField(
        label=gettext_lazy("Le détail des coûts : par action et par source de financement"),
        required=False,
        help_text=gettext_lazy("Ne s’affiche que si « Ce que cela a coûté » est coché."),
    )
    text = TextField(
        label=gettext_lazy("Texte de présentation"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Laissez vide pour garder le texte proposé, en phrases courtes, ci-dessous. "
            "N’y mettez ni nom d’agent ni commentaire interne : la page est publique."
        ),
    )


OPTIONS = ["show_actions", "show_partnerships", "show_costs", "show_cost_details"]


@dataclass(frozen=True)
class PublicView:
    """What the page shows: only the ticked parts, figures already as the reader sees them."""

    collectivite: str
    year: int
    paragraphs: list[str]
    actions: list[dict] | None
    partnerships: list[dict] | None
    costs: dict | None
    published_on: str | None


def default_text(facts: bilan.YearFacts, page: YearlyReportPage) -> str:
    """Short sentences, only about what the page shows."""
    name = facts.diagnostic.collectivite.name
    sentences = [
        _("Chaque année, %(name)s fait le bilan de son action européenne et internationale.")
        % {"name": name},
        _("Cette page présente ce qui a été fait en %(year)s.") % {"year": facts.year},
    ]
    if page.show_actions:
        sentences.append(bilan.summary_sentences(facts)[0])
    if page.show_costs and facts.spent_total:
        sentences.append(
            _("Ces actions ont coûté %(spent)s en tout.")
            % {"spent": bilan.euros(facts.spent_total)}
        )
    if page.show_partnerships and facts.partnerships_active:
        sentences.append(_("La collectivité travaille avec des partenaires dans d’autres pays."))
    return " ".join(sentences)


def public_view(page: YearlyReportPage, facts: bilan.YearFacts) -> PublicView:
    details = page.show_costs and page.show_cost_details
    text = page.text.strip() or default_text(facts, page)
    actions = None
    if page.show_actions:
        actions = [
            {
                "title": action.title,
                "completed_on": long_date(action.completed_on) if action.completed_on else "",
                "spent": (
                    bilan.euros(action.amount_spent)
                    if details and action.amount_spent is not None
                    else ""
                ),
            }
            for action in facts.done
        ]
    partnerships = None
    if page.show_partnerships:
        partnerships = [
            {
                "partner": p.partner_name,
                "country": str(p.country.name),
                "kind": str(p.get_kind_display()),
            }
            for p in facts.partnerships_active
        ]
    costs = None
    if page.show_costs:
        costs = {
            "spent": bilan.euros(facts.spent_total),
            "planned": bilan.euros(facts.planned_total),
            "sources": bilan.budget_sources(facts.budget) if details else [],
            "budget_total": bilan.exact_euros(facts.budget[1])
            if details and facts.budget
            else None,
        }
    return PublicView(
        collectivite=facts.diagnostic.collectivite.name,
        year=facts.year,
        paragraphs=[p.strip() for p in text.split("\n\n") if p.strip()],
        actions=actions,
        partnerships=partnerships,
        costs=costs,
        published_on=long_date(page.published_at) if page.published_at else None,
    )


def _page_of(diagnostic: Diagnostic) -> YearlyReportPage:
    return YearlyReportPage.objects.filter(diagnostic=diagnostic).first() or YearlyReportPage(
        diagnostic=diagnostic
    )


@require_http_methods(["GET", "HEAD", "POST"])
def yearly_page_settings(request, public_id):
    """The référent's page: what the inhabitants' page shows, a preview, publish or withdraw."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    page = _page_of(diagnostic)
    status = 200
    if request.method == "POST":
        form = PageForm(request.POST)
        # The button pressed; anything else only saves the choices.
        decision = request.POST.get("decision")
        if decision not in (PUBLISH, UNPUBLISH):
            decision = SAVE
        if diagnostic.year is None:
            form.add_error(
                None,
                _(
                    "Ce diagnostic n’a pas d’année : donnez-lui une année (Renommer) avant de "
                    "publier son bilan."
                ),
            )
        if form.is_valid():
            with transaction.atomic():
                locked = (
                    YearlyReportPage.objects.select_for_update(of=("self",))
                    .filter(diagnostic=diagnostic)
                    .first()
                ) or YearlyReportPage(diagnostic=diagnostic)
                for name in [*OPTIONS, "text"]:
                    setattr(locked, name, form.cleaned_data[name])
                if decision == PUBLISH:
                    locked.published = True
                    locked.published_at = timezone.now()
                elif decision == UNPUBLISH:
                    locked.published = False
                locked.updated_at = timezone.now()
                locked.updated_by = request.user
                locked.save()
            if decision == PUBLISH:
                messages.success(request, _("La page du bilan est publiée."))
            elif decision == UNPUBLISH:
                messages.success(
                    request, _("La page du bilan est retirée : son adresse ne répond plus.")
                )
            else:
                messages.success(request, _("Vos choix sont enregistrés."))
            return redirect("yearly_page_settings", public_id=public_id)
        status = 400
    else:
        form = PageForm(initial={name: getattr(page, name) for name in [*OPTIONS, "text"]})
    facts = bilan.year_facts(diagnostic, with_comparisons=False)
    preview = public_view(page, facts)
    return render(
        request,
        "diagnostics/yearly_page_settings.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "page": page,
            "form": form,
            "preview": preview,
            "default_text": default_text(facts, page),
        },
        status=status,
    )


@login_not_required
@require_safe
def yearly_page(request, public_id, year):
    """The public page: no login; 404 unless the référent published it."""
    page = (
        YearlyReportPage.objects.filter(
            published=True,
            diagnostic__collectivite__public_id=public_id,
            diagnostic__year=year,
        )
        .select_related("diagnostic__collectivite", "diagnostic__catalogue")
        .first()
    )
    if page is None:
        raise Http404
    facts = bilan.year_facts(page.diagnostic, with_comparisons=False)
    response = render(request, "diagnostics/yearly_page.html", {"view": public_view(page, facts)})
    response["Cache-Control"] = "no-cache"
    return response
