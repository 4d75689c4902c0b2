"""Baseline: a bare DRF view that inserts one row, the floor for acknowledgement latency.

This module is at once a Django settings module, its URL configuration and
its WSGI application: DRF with no authentication, no middleware, one POST
view that validates nothing and inserts the request body as one row on the
same PostgreSQL (DATABASE_URL) with synchronous commits. It is served the
way bench/ack_latency.py serves Beacon (gunicorn, 2 workers x 4 threads),
so the two latencies at one open-loop rate can be compared as a ratio.

    python -m beacon.runtime bench -- .venv/bin/python bench/ack_latency.py   # measures both
"""

import json
import os

import environ

DATABASES = {"default": environ.Env.db_url_config(os.environ.get("DATABASE_URL", "postgresql://127.0.0.1/beacon"))}
DATABASES["default"]["CONN_MAX_AGE"] = 60
SECRET_KEY = "bench-only"  # noqa: S105 - a local measuring instrument
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "bare_insert"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
MIDDLEWARE: list[str] = []
REST_FRAMEWORK: dict[str, object] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
# Created by bench/ack_latency.py (BARE_TABLE_DDL) before it starts this
# server; importing this module elsewhere would take over that process's settings.
TABLE = "bench_bare_insert"

os.environ["DJANGO_SETTINGS_MODULE"] = "bare_insert"

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Insert(APIView):
    def post(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s) RETURNING id", [json.dumps(request.data)])  # noqa: S608
            (row_id,) = cursor.fetchone()
        return Response({"data": {"id": row_id, "status": "queued"}}, status=202)


urlpatterns = [path("insert", Insert.as_view())]


application = get_wsgi_application()
