"""recyclenet backend: one package per capability (see docs/architecture.md).

``backend.app.create_app`` builds the web app; ``backend.cli`` is the ``recyclenet`` command.
"""
