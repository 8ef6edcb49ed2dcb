from django.urls import path

from diagnostics import assignment_views, views
from diagnostics.evidence import views as evidence
from diagnostics.plan import views as plan
from diagnostics.questionnaire import views as questionnaire
from diagnostics.reports import public as yearly
from diagnostics.reports import views as reports
from diagnostics.results import views as results

urlpatterns = [
    # Collectivités
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("mes-questions/", assignment_views.my_questions, name="my_questions"),
    path(
        "collectivites/<uuid:public_id>/diagnostics/nouveau/",
        views.diagnostic_create,
        name="diagnostic_create",
    ),
    # Diagnostics
    path(
        "diagnostics/<uuid:public_id>/renommer/",
        views.diagnostic_rename,
        name="diagnostic_rename",
    ),
    path(
        "diagnostics/<uuid:public_id>/supprimer/",
        views.diagnostic_delete,
        name="diagnostic_delete",
    ),
    path(
        "diagnostics/<uuid:public_id>/archiver/",
        views.diagnostic_archive,
        name="diagnostic_archive",
    ),
    path("diagnostics/<uuid:public_id>/", questionnaire.overview, name="diagnostic_overview"),
    path("diagnostics/<uuid:public_id>/ouvrir/", views.diagnostic_open, name="diagnostic_open"),
    path(
        "diagnostics/<uuid:public_id>/preconisations/<int:number>/",
        questionnaire.recommendation_page,
        name="diagnostic_recommendation",
    ),
    path(
        "diagnostics/<uuid:public_id>/questions/<str:code>/reponse/",
        questionnaire.save_answer_view,
        name="diagnostic_answer",
    ),
    path(
        "diagnostics/<uuid:public_id>/questions/<str:code>/historique/",
        questionnaire.answer_history,
        name="diagnostic_answer_history",
    ),
    path(
        "diagnostics/<uuid:public_id>/justificatifs/<uuid:evidence_id>/",
        evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "diagnostics/<uuid:public_id>/questions/<str:code>/commentaires/",
        questionnaire.add_comment_view,
        name="diagnostic_comment",
    ),
    path(
        "diagnostics/<uuid:public_id>/assignations/",
        assignment_views.assign_view,
        name="diagnostic_assign",
    ),
    path(
        "diagnostics/<uuid:public_id>/rappel/",
        assignment_views.remind_view,
        name="diagnostic_remind",
    ),
    path(
        "diagnostics/<uuid:public_id>/soumettre/",
        questionnaire.submit,
        name="diagnostic_submit",
    ),
    path("diagnostics/<uuid:public_id>/resultats/", results.results, name="diagnostic_results"),
    path(
        "diagnostics/<uuid:public_id>/resultats/<int:number>/",
        results.recommendation_detail,
        name="diagnostic_results_detail",
    ),
    path(
        "diagnostics/<uuid:public_id>/export.csv",
        results.export_csv,
        name="diagnostic_export_csv",
    ),
    path(
        "diagnostics/<uuid:public_id>/export.json",
        results.export_json,
        name="diagnostic_export_json",
    ),
    path("diagnostics/<uuid:public_id>/plan/", plan.plan, name="diagnostic_plan"),
    path(
        "diagnostics/<uuid:public_id>/plan/export.csv",
        plan.plan_export_csv,
        name="plan_export_csv",
    ),
    path(
        "diagnostics/<uuid:public_id>/plan/export.xlsx",
        plan.plan_export_xlsx,
        name="plan_export_xlsx",
    ),
    path("diagnostics/<uuid:public_id>/plan/proposees/", plan.plan_accept, name="plan_accept"),
    path(
        "diagnostics/<uuid:public_id>/plan/ajouter/", plan.plan_action_add, name="plan_action_add"
    ),
    path(
        "diagnostics/<uuid:public_id>/plan/<uuid:action_id>/",
        plan.plan_action_edit,
        name="plan_action_edit",
    ),
    path(
        "diagnostics/<uuid:public_id>/plan/<uuid:action_id>/ecarter/",
        plan.plan_action_toggle,
        name="plan_action_toggle",
    ),
    path(
        "diagnostics/<uuid:public_id>/plan/<uuid:action_id>/historique/",
        plan.plan_action_history,
        name="plan_action_history",
    ),
    path(
        "diagnostics/<uuid:public_id>/rapports/<str:variant>/",
        reports.report_request,
        name="report_request",
    ),
    path(
        "diagnostics/<uuid:public_id>/rapports/fichiers/<uuid:report_id>/",
        reports.report_status,
        name="report_status",
    ),
    path(
        "diagnostics/<uuid:public_id>/rapports/fichiers/<uuid:report_id>/telecharger/",
        reports.report_download,
        name="report_download",
    ),
    path(
        "diagnostics/<uuid:public_id>/rouvrir/",
        questionnaire.reopen,
        name="diagnostic_reopen",
    ),
    # The inhabitants' page of the yearly report: set by the référent, public once published.
    path(
        "diagnostics/<uuid:public_id>/bilan-habitants/",
        yearly.yearly_page_settings,
        name="yearly_page_settings",
    ),
    path("bilan/<uuid:public_id>/<int:year>/", yearly.yearly_page, name="yearly_page"),
]
