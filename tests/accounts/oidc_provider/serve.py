"""Run the provider: ``python -m oidc_provider.serve PORT REDIRECT_URI`` with IDP_* in the environment.

Creates its database, one person (``IDP_USERNAME`` / ``IDP_PASSWORD``) and one confidential
client (``IDP_CLIENT_ID`` / ``IDP_CLIENT_SECRET``) that may send people back to REDIRECT_URI,
then serves over HTTP on 127.0.0.1:PORT until it is stopped.
"""

import os
import sys

import django


def main() -> None:
    port, redirect_uri = int(sys.argv[1]), sys.argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application
    from waitress import serve

    call_command("migrate", verbosity=0)
    person = User.objects.create_user(
        os.environ["IDP_USERNAME"],
        os.environ["IDP_EMAIL"],
        os.environ["IDP_PASSWORD"],
        first_name="Ada",
        last_name="Lovelace",
    )
    Application.objects.create(
        name="paperfeed",
        user=person,
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=2, _quiet=True)


if __name__ == "__main__":
    main()
