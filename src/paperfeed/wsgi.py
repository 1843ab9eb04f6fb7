"""WSGI entry point: ``waitress-serve paperfeed.wsgi:application`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
application = get_wsgi_application()
