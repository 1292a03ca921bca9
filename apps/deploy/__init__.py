"""``bot deploy`` and ``bot serve api --ray``: the bot as a replicated service on Ray Serve.

The HTTP presenters (the OpenAI-compatible API, Slack's events endpoint) run as Serve
deployments of N replicas behind Serve's proxies; every replica shares the PostgreSQL store
and the Chroma server, and each embedded model runs once, as its own deployment the
replicas call. :mod:`apps.deploy.plan` decides what runs where from the settings (no Ray);
:mod:`apps.deploy.replicas` holds the deployments; :mod:`apps.deploy.serve_apps` talks to
the cluster. Ray is imported only by the last two. See docs/deploy.md.
"""
