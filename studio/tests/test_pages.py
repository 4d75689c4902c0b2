"""Signing in, scoping to an organization, and every page answering."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from prompts.models import PromptTemplate
from studio.models import StudioMember
from studio.tests.conftest import PASSWORD
from tenants.models import Role
from tenants.services import organization_ensure

pytestmark = pytest.mark.django_db


def test_a_visitor_is_sent_to_the_studio_login(client):
    response = client.get("/studio/")
    assert response.status_code == 302 and response["Location"].startswith("/studio/login/?next=/studio/")


def test_a_member_signs_in_with_the_session_form_and_sees_the_templates(acme, own_template):
    user = get_user_model().objects.create_user("nadia", password=PASSWORD)
    StudioMember.objects.create(user=user, organization=acme, role=Role.VIEWER)
    client = Client()
    response = client.post("/studio/login/", {"username": "nadia", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/studio/"
    page = client.get("/studio/").content.decode()
    assert "Templates of acme" in page and str(own_template.id) in page


def test_a_user_of_no_organization_is_refused(db):
    user = get_user_model().objects.create_user("stray", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get("/studio/")
    assert response.status_code == 403 and b"not a member" in response.content


def test_another_organizations_template_is_not_found(editor, acme):
    other = organization_ensure(slug="globex")
    platform = PromptTemplate.objects.get(name="taxonomy_tagging", organization__isnull=True)
    from prompts.services import template_fork

    theirs = template_fork(template=platform, organization=other, forked_by="admin:g")
    for path in ("", "draft/", "playground/", "diff/", "experiments/", "versions/1.0.0/"):
        assert editor.get(f"/studio/templates/{theirs.id}/{path}").status_code == 404, path
    assert b"theirs" not in editor.get("/studio/").content


def test_staff_choose_any_organization(db, acme, own_template):
    organization_ensure(slug="globex")
    staff = get_user_model().objects.create_user("ops", password=PASSWORD, is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.post("/studio/organization", {"organization": "globex"}).status_code == 302
    assert b"Templates of globex" in client.get("/studio/").content
    client.post("/studio/organization", {"organization": "acme"})
    assert str(own_template.id).encode() in client.get("/studio/").content


def test_a_viewer_reads_but_cannot_write(member, own_template):
    viewer = member("vic", Role.VIEWER)
    assert viewer.get(f"/studio/templates/{own_template.id}/").status_code == 200
    response = viewer.post(f"/studio/templates/{own_template.id}/draft/start", {"version": "1.0.0"})
    assert response.status_code == 403 and b"needs an editor" in response.content


def test_every_page_of_a_template_answers(editor, own_template):
    editor.post(f"/studio/templates/{own_template.id}/draft/start")
    version = own_template.versions.get().version
    for path in ("", "draft/", "playground/", "diff/", "experiments/", f"versions/{version}/"):
        response = editor.get(f"/studio/templates/{own_template.id}/{path}")
        assert response.status_code == 200, (path, response.content[:300])
    assert editor.get("/studio/quality/").status_code == 200
