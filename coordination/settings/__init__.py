"""Settings package.

- ``base``: everything, read from the environment; safe embedded defaults (SQLite, no broker server, console e-mail).
- ``local``: the default for ``manage.py`` — DEBUG on unless the environment says otherwise.
- ``production``: what gunicorn, the worker and beat use in a deployment; refuses to start without a real SECRET_KEY.
- ``test``: the suite; fast password hashing, eager Celery unless a test talks to the real broker.
"""
