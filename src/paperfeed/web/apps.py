from django.apps import AppConfig


class WebConfig(AppConfig):
    """The HTML site: feed and paper pages that combine papers, community and search, the site
    layout (base.html) and its static files."""

    name = "paperfeed.web"
    label = "web"
    verbose_name = "Web pages"
