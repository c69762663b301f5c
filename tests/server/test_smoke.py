def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "database": "ok"}


def test_live_server_answers(live_server):
    import requests

    assert requests.get(live_server.url + "/healthz", timeout=30).json()["status"] == "ok"
