import os

from django.core.wsgi import get_wsgi_application

from beacon.tracing import tracing_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
tracing_setup("beacon-web")  # before Django builds its middleware; off unless configured
application = get_wsgi_application()
