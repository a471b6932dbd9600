"""Sign-up, sign-in, one's own profile, and user administration."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from backend.accounts import services as accounts
from backend.accounts.schemas import (
    MeUpdateSchema,
    RegisterSchema,
    TokenRequestSchema,
    TokenSchema,
    UserArgs,
    UserSchema,
    UserUpdateSchema,
)
from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.core.limits import Rate, client_address, failed_sign_in, rate_limit, submitted_username

auth = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-up and tokens")
me = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")
users = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User administration (admins)")


@auth.route("/register")
class Register(MethodView):
    @auth.arguments(RegisterSchema)
    @auth.response(201, UserSchema)
    @rate_limit(auth, Rate("RATELIMIT_REGISTER", by=client_address, what="sign-ups per client address"))
    def post(self, data):
        """Residents sign themselves up"""
        return accounts.register_resident(db.session, data)


@auth.route("/token")
class Token(MethodView):
    @auth.arguments(TokenRequestSchema)
    @auth.response(200, TokenSchema)
    @auth.alt_response(401, description="Wrong username or password")
    @rate_limit(
        auth,
        Rate("RATELIMIT_TOKEN", by=client_address, what="attempts per client address"),
        Rate(
            "RATELIMIT_TOKEN_FAILURES",
            by=submitted_username,
            what="failed sign-ins per username",
            counting=failed_sign_in,
        ),
    )
    def post(self, data):
        """Exchange username and password for a bearer token that expires"""
        user = accounts.authenticate(db.session, data["username"], data["password"])
        if user is None:
            abort(401, message="wrong username or password")
        return {
            "access_token": accounts.token_for(user),
            "token_type": "Bearer",
            "expires_in": current_app.config["TOKEN_TTL_SECONDS"],
            "user_id": user.id,
            "role": user.role,
        }


@auth.route("/logout")
class Logout(MethodView):
    @roles(auth)
    @auth.response(204)
    def post(self):
        """Sign out everywhere: every token issued to me so far stops working"""
        accounts.sign_out(db.session, current_user())


@me.route("")
class Me(MethodView):
    @roles(me)
    @me.response(200, UserSchema)
    def get(self):
        """My account"""
        return current_user()

    @roles(me)
    @me.arguments(MeUpdateSchema)
    @me.response(200, UserSchema)
    def patch(self, data):
        """Update my profile or password (a new password ends all my sessions)"""
        return accounts.update_user(db.session, current_user(), data, current_user())


@users.route("")
class Users(MethodView):
    @roles(users, "admin")
    @users.arguments(UserArgs, location="query")
    @users.response(200, UserSchema(many=True))
    @users.paginate()
    def get(self, args, pagination_parameters):
        """List users"""
        return page(accounts.user_query(**args), pagination_parameters)

    @roles(users, "admin")
    @users.arguments(UserSchema)
    @users.response(201, UserSchema)
    def post(self, data):
        """Create a user of any role"""
        return accounts.create_user(db.session, data, current_user())


@users.route("/<int:user_id>")
class UserView(MethodView):
    @roles(users, "admin")
    @users.etag
    @users.response(200, UserSchema)
    def get(self, user_id):
        """Read a user"""
        return accounts.get_user(db.session, user_id)

    @roles(users, "admin")
    @users.etag
    @users.arguments(UserUpdateSchema)
    @users.response(200, UserSchema)
    @users.alt_response(409, description="An admin's own role, status or password (use /me for the password)")
    def patch(self, data, user_id):
        """Update a user (If-Match required)"""
        user = accounts.get_user(db.session, user_id)
        users.check_etag(user, UserSchema)
        accounts.refuse_own_lockout(current_user(), user, data)
        return accounts.update_user(db.session, user, data, current_user())

    @roles(users, "admin")
    @users.etag
    @users.response(204)
    @users.alt_response(409, description="An admin cannot deactivate their own account")
    def delete(self, user_id):
        """Deactivate a user and end their sessions (If-Match required)"""
        user = accounts.get_user(db.session, user_id)
        users.check_etag(user, UserSchema)
        accounts.refuse_own_lockout(current_user(), user, {"active": False})
        accounts.deactivate_user(db.session, user, current_user())


BLUEPRINTS = (auth, me, users)
