"""The moderators' dashboard: server-rendered pages over the same core use-cases as ``/kb``.

``app.py`` builds the aiohttp application (security headers, sign-in, CSRF, the one error
handler) and serves it; one module per page: ``inbox.py`` (the curation queue), ``facts.py``
(browse, edit, hide, revert, export), ``stats.py`` (charts), ``tryit.py`` (why a question gets its
answer), ``signin.py`` (one-time links and sessions). Templates are in ``templates/``, with Jinja2's
autoescaping on; every asset is in ``static/``, served by the dashboard itself.
"""
