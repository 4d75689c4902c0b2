"""The Reviewers group (a migration creates it; tests that flush the
database put it back with this)."""

from django.contrib.auth.models import Group, Permission

REVIEWERS = "Reviewers"
REVIEWER_PERMISSIONS = [("review", "view_reviewtask"), ("review", "decide_reviewtask"), ("jobs", "view_job")]


def reviewers_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=REVIEWERS)
    for app_label, codename in REVIEWER_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group
