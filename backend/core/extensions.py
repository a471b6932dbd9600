"""Extensions created at module level and bound to an app in ``create_app``."""

from flask_smorest import Api

from backend.core.db import Database

db = Database()
api = Api()
