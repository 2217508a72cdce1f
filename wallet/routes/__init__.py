"""HTTP routes: one blueprint per module, registered here."""

from __future__ import annotations

from flask import Flask

from wallet.extensions import login_manager
from wallet.routes import (
    account,
    auth,
    credentials,
    cv,
    errors,
    imports,
    main,
    notices,
    organise,
    public,
    search,
    share,
)
from wallet.routes.scope import close_request_session, load_user


def register_routes(app: Flask) -> None:
    """Register every blueprint, the error handlers and the per-request session."""
    for module in (
        main,
        auth,
        account,
        notices,
        credentials,
        organise,
        imports,
        search,
        share,
        public,
        cv,
    ):
        app.register_blueprint(module.bp)
    errors.register_error_handlers(app)
    app.teardown_appcontext(close_request_session)
    login_manager.user_loader(load_user)
