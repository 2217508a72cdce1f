"""The search page: words and facet filters in a GET form, results scoped to the holder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from wallet.routes.scope import db_session, services, user
from wallet.search import Facet, SearchQuery, parse_query
from wallet.search.snippets import FIELD_LABELS, hit_reasons

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def index() -> ResponseReturnValue:
    query = parse_query(
        user().id,
        request.args.get("q", ""),
        request.args.items(multi=True),
        request.args.get("page", "1"),
    )
    results = services().search_index.search(query)
    return render_template(
        "search/index.html",
        results=results,
        query=query,
        facets=Facet,
        link=_linker(query),
        reasons=hit_reasons(db_session(), results.hits, query.text),
        field_labels=FIELD_LABELS,
    )


def _linker(query: SearchQuery) -> Callable[..., str]:
    """Links to this search with one filter added or removed, or on another page."""

    def link(
        add: tuple[Facet, str] | None = None,
        remove: tuple[Facet, str] | None = None,
        page: int = 1,
    ) -> str:
        filters = [pair for pair in query.filters if pair != remove]
        if add is not None and add not in filters:
            filters.append(add)
        params: dict[str, Any] = {"q": query.text or None, "page": page if page > 1 else None}
        for facet, value in filters:
            params.setdefault(facet.value, []).append(value)
        return url_for("search.index", **params)

    return link
