"""The app for a WSGI server other than `recyclenet serve`: ``backend.runtime.wsgi:app``.

The same ``create_app`` and settings, with the job queue installed (REDIS_URL), as
`recyclenet serve` does it; ``backend.app:create_app()`` alone has no queue and refuses to
queue a plan when REDIS_URL is set rather than solve it in the request.
"""

from __future__ import annotations

from backend.app import create_app
from backend.runtime.queue import install

app = create_app()
install(app)
