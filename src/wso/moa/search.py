"""Full-text search over every MOA's pages: SQLite FTS5 on the embedded default, PostgreSQL's English
full-text search on a server. Both answer with the page and a snippet, the matched words between [[ and ]]."""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from wso.moa.models import MoaDocument
from wso.moa.queries import registry_names
from wso.moa.views import SearchHit

START, STOP = "[[", "]]"
# what a hit shows of its document (the whole row carries the fields' JSON: several times the cost to load)
DOCUMENT_COLUMNS = (
    MoaDocument.sha256,
    MoaDocument.id,
    MoaDocument.name,
    MoaDocument.agency,
    MoaDocument.state,
    MoaDocument.model,
    MoaDocument.registry_agency_id,
)


class BadQuery(ValueError):
    """A search with no word to look for."""


def fts5_query(query: str) -> str:
    """The user's words as a query both FTS5 and websearch_to_tsquery read alike: each word or "quoted phrase" a
    quoted string, all required (no operator: OR, NOT, NEAR and a leading - are words like any other)."""
    pieces = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        piece = re.sub(r"[^\w\s'-]", " ", phrase or word).strip()
        if re.search(r"\w", piece):
            pieces.append('"' + piece.replace('"', "") + '"')
    if not pieces:
        raise BadQuery(f"nothing to search for in {query!r}: give a word or a quoted phrase")
    return " ".join(pieces)


def parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    """The snippet cut into (text, highlighted) pieces, for a page to mark up safely."""
    out: list[tuple[str, bool]] = []
    for piece in re.split(r"(\[\[.*?\]\])", snippet):
        if piece.startswith(START) and piece.endswith(STOP):
            out.append((piece[2:-2], True))
        elif piece:
            out.append((piece, False))
    return tuple(out)


# The best pages first (bm25 alone is cheap), then snippets for those pages only: FTS5 builds a snippet by reading
# and tokenising the whole page again, and asked for one in the ranked query it builds one for every matching page
# before the LIMIT (hundreds for a common word).
_SQLITE = text(
    "SELECT p.sha256, p.number, snippet(moa_pages_fts, 0, '[[', ']]', ' … ', 16) AS snippet "
    "FROM moa_pages_fts JOIN moa_pages p ON p.id = moa_pages_fts.rowid "
    "WHERE moa_pages_fts MATCH :q AND moa_pages_fts.rowid IN ("
    "  SELECT ranked.rowid FROM moa_pages_fts ranked JOIN moa_pages r ON r.id = ranked.rowid "
    "  WHERE ranked.moa_pages_fts MATCH :q ORDER BY ranked.rank, r.sha256, r.number LIMIT :n) "
    "ORDER BY bm25(moa_pages_fts), p.sha256, p.number"
)
_POSTGRES = text(
    "SELECT hit.sha256, hit.number, ts_headline('english', hit.text, hit.q, "
    "'StartSel=[[, StopSel=]], MaxWords=32, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet "
    "FROM (SELECT p.sha256, p.number, p.text, q, ts_rank(p.text_tsv, q) AS rank "
    "      FROM moa_pages p, websearch_to_tsquery('english', :q) q "
    "      WHERE p.text_tsv @@ q ORDER BY rank DESC, p.sha256, p.number LIMIT :n) hit "
    "ORDER BY hit.rank DESC, hit.sha256, hit.number"
)


def search(session: Session, query: str, limit: int = 20) -> list[SearchHit]:
    """The best-matching pages of every MOA for `query` (every word required; "quoted phrases" kept together)."""
    # The same words and phrases on both: websearch_to_tsquery reads "or" as OR and "-word" as NOT unless each
    # word is quoted, as FTS5 would read AND, NOT and NEAR.
    quoted = fts5_query(query.replace("\x00", " "))
    statement = _POSTGRES if session.get_bind().dialect.name == "postgresql" else _SQLITE
    rows = session.execute(statement, {"q": quoted, "n": limit}).all()
    wanted = select(*DOCUMENT_COLUMNS).where(MoaDocument.sha256.in_({r[0] for r in rows}))
    documents = {d.sha256: d for d in session.execute(wanted)} if rows else {}
    names = registry_names(session, documents.values())
    hits = []
    for sha, number, snippet in rows:
        document = documents.get(sha)
        if document is None:
            continue
        flat = re.sub(r"\s+", " ", snippet).strip()
        hits.append(
            SearchHit(
                document.id,
                document.name,
                document.agency,
                document.state,
                document.model,
                number,
                flat,
                parts(flat),
                names.get(document.registry_agency_id or ""),
            )
        )
    return hits
