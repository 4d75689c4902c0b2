"""/studio/: the prompt engineer's workbench and the quality dashboard."""

from django.urls import path

from studio.views import auth, editor, playground, quality, templates

app_name = "studio"

urlpatterns = [
    path("", templates.home, name="home"),
    path("login/", auth.StudioLoginView.as_view(), name="login"),
    path("logout/", auth.StudioLogoutView.as_view(), name="logout"),
    path("organization", auth.organization_choose, name="organization"),
    path("quality/", quality.dashboard, name="quality"),
    path("quality/versions/<uuid:version_id>/jobs", quality.jobs, name="quality-jobs"),
    path("templates/<uuid:template_id>/", templates.template_detail, name="template"),
    path("templates/<uuid:template_id>/fork", templates.template_fork_view, name="fork"),
    path("templates/<uuid:template_id>/draft/", editor.draft_edit, name="draft"),
    path("templates/<uuid:template_id>/draft/check", editor.draft_check, name="draft-check"),
    path("templates/<uuid:template_id>/draft/start", editor.draft_start_view, name="draft-start"),
    path("templates/<uuid:template_id>/draft/discard", editor.draft_discard_view, name="draft-discard"),
    path("templates/<uuid:template_id>/playground/", playground.playground, name="playground"),
    path("templates/<uuid:template_id>/runs/<uuid:test_id>/golden", playground.run_golden, name="run-golden"),
    path("templates/<uuid:template_id>/diff/", templates.version_diff, name="diff"),
    path("templates/<uuid:template_id>/experiments/", templates.experiments, name="experiments"),
    path("templates/<uuid:template_id>/labels", templates.label_move, name="label-move"),
    path("templates/<uuid:template_id>/versions/<str:number>/", templates.version_detail, name="version"),
    path(
        "templates/<uuid:template_id>/versions/<str:number>/<slug:action>",
        templates.version_action,
        name="version-action",
    ),
]
