"""Extensions created at module level and bound to an app in ``create_app``."""

from backend.core.db import Database
from backend.core.openapi import Api

db = Database()
api = Api()
