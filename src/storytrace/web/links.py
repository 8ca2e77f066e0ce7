"""Links between the app's pages and anchors inside the report, safe for ids of any characters.

Article ids are often URLs (``https://example.org/a/b?x=1#y``), so every id is percent-encoded
whole (``/`` too): the server decodes it back into one path parameter (the ``:path`` converter),
and a pair of ids travels in the query string, where nothing can confuse where one ends.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

# Pages that show one id in their path.
_ONE_ID = {
    "article": "/articles",
    "story": "/stories",
    "storyline": "/storylines",
    "api-article": "/api/articles",
    "api-story": "/api/stories",
    "api-storyline": "/api/storylines",
}
# Pages that show two articles, named ``a`` and ``b`` in the query.
_TWO_IDS = {"compare": "/compare", "api-compare": "/api/compare"}
# Ids that no path can carry: browsers resolve "." and ".." (even encoded, "%2E") as dot segments,
# and "" leaves the path without one; these go as ``?id=``.
_DOT_SEGMENTS = frozenset({"", ".", ".."})


def _query(**values: str) -> str:
    """A query string with every value percent-encoded (``/``, ``+`` and spaces included)."""
    return urlencode(values, quote_via=quote)


def server_url(kind: str, *ids: str) -> str:
    """The app's path for a page (``article``, ``story``, ``storyline``, ``compare``, their ``api-`` twins) of ids."""
    if kind in _TWO_IDS:
        return f"{_TWO_IDS[kind]}?{_query(a=ids[0], b=ids[1])}"
    if ids[0] in _DOT_SEGMENTS:
        return f"{_ONE_ID[kind]}/?{_query(id=ids[0])}"
    return f"{_ONE_ID[kind]}/{quote(ids[0], safe='')}"


def anchor(kind: str, *ids: str) -> str:
    """An element id of the report for a story, article or pair: each id percent-encoded (so no
    spaces, which element ids cannot hold) and joined by ``/``, which encoded ids never contain."""
    return f"{kind}-" + "/".join(quote(item, safe="") for item in ids)
