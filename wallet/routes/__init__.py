"""HTTP routes: one blueprint per module, registered here."""

from __future__ import annotations

from flask import Flask

from wallet.extensions import login_manager
from wallet.routes import (
    account,
    apps,
    auth,
    backup,
    connect,
    credentials,
    cv,
    didauth,
    documents,
    errors,
    imports,
    main,
    notices,
    ob_api,
    organise,
    pathways,
    public,
    search,
    share,
    vc_api,
)
from wallet.routes.scope import close_request_session, load_user
from wallet.routes.urls import IdConverter


def register_routes(app: Flask) -> None:
    """Register every blueprint, the error handlers and the per-request session."""
    # Before any rule is added: every ``<int:…>`` in the app is a bounded row id.
    app.url_map.converters["int"] = IdConverter
    blueprints = (
        main,
        auth,
        account,
        backup,
        didauth,
        notices,
        credentials,
        documents,
        organise,
        imports,
        connect,
        apps,
        ob_api,
        search,
        pathways,
        vc_api,
        share,
        public,
        cv,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)
    errors.register_error_handlers(app)
    app.teardown_appcontext(close_request_session)
    login_manager.user_loader(load_user)
