"""Conditional and partial GETs on the built dataset: every page and linked-data answer and every
dump carries an ETag, a request naming it (If-None-Match) gets 304 without a body, and a Range
gets 206 with exactly those bytes (a crawler revalidating, a download resumed)."""

from __future__ import annotations

import gzip

import pytest

PAGES = [("/resource/place/baku", "text/html"), ("/resource/place/baku", "text/turtle"),
         ("/resource/place/baku.jsonld", "*/*"), ("/graph/curation", "text/html"),
         ("/dumps/tarihkg.nq.gz", "*/*"), ("/dumps/tarihkg.nq", "*/*"),
         ("/dumps/SHA256SUMS", "*/*"), ("/.well-known/void", "text/turtle")]


@pytest.mark.parametrize(("path", "accept"), PAGES)
def test_if_none_match_with_the_etag_is_304(built_client, path: str, accept: str) -> None:
    first = built_client.get(path, headers={"Accept": accept})
    assert first.status_code == 200
    etag = first.headers.get("ETag")
    assert etag, first.headers
    again = built_client.get(path, headers={"Accept": accept, "If-None-Match": etag})
    assert again.status_code == 304, again.headers
    assert again.data == b""
    other = built_client.get(path, headers={"Accept": accept, "If-None-Match": '"not-it"'})
    assert other.status_code == 200 and other.data == first.data


def test_variants_have_their_own_etag(built_client) -> None:
    """Turtle and HTML of one resource are two representations: a cache holding one must not
    be told the other is unchanged."""
    html = built_client.get("/resource/place/baku", headers={"Accept": "text/html"})
    ttl = built_client.get("/resource/place/baku", headers={"Accept": "text/turtle"})
    assert html.headers["ETag"] != ttl.headers["ETag"]
    cross = built_client.get("/resource/place/baku", headers={
        "Accept": "text/turtle", "If-None-Match": html.headers["ETag"]})
    assert cross.status_code == 200


def test_a_range_of_a_dump_is_206_with_those_bytes(built_client) -> None:
    whole = built_client.get("/dumps/tarihkg.nq.gz").data
    part = built_client.get("/dumps/tarihkg.nq.gz", headers={"Range": "bytes=10-99"})
    assert part.status_code == 206 and part.data == whole[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(whole)}"
    plain = gzip.decompress(whole)
    unpacked = built_client.get("/dumps/tarihkg.nq", headers={"Range": "bytes=-50"})
    assert unpacked.status_code == 206 and unpacked.data == plain[-50:]
    beyond = built_client.get("/dumps/tarihkg.nq.gz", headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416
