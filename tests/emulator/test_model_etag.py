"""GET /api/ai/models/{id} sends an ETag and honours If-None-Match (runtime mode's cache)."""

from __future__ import annotations


def test_model_object_has_a_stable_etag(api) -> None:
    first = api.http.get("/api/ai/models/flux-1-dev")
    second = api.http.get("/api/ai/models/flux-1-dev")
    assert first.status_code == second.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert second.headers["etag"] == etag
    other = api.http.get("/api/ai/models/ideogram-v4")
    assert other.headers["etag"] != etag


def test_if_none_match_gets_a_bodiless_304(api) -> None:
    etag = api.http.get("/api/ai/models/flux-1-dev").headers["etag"]
    for header in (etag, f'"nope", {etag}', "*"):
        response = api.http.get("/api/ai/models/flux-1-dev", headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
    stale = api.http.get("/api/ai/models/flux-1-dev", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200
    assert stale.json()["id"] == "flux-1-dev"
    assert api.emu.stats()["responses"]["304"] == 3


def test_unknown_model_is_still_404_with_if_none_match(api) -> None:
    response = api.http.get("/api/ai/models/no-such-model", headers={"If-None-Match": "*"})
    assert response.status_code == 404
