"""The review trail through the workbench's JSON API: the same actions and shapes as
`townsgis review`, refused moves as 400 answers, the read-only sample refused."""

from __future__ import annotations


def test_submit_review_approve_through_the_api(writable):
    _app, c, csrf = writable
    for action, who in (("submit", "张三"), ("start", "李四"), ("approve", "王五")):
        r = c.post(
            "/api/reviews/PR-01",
            json={"action": action, "actor": who, "reason": f"{action} 理由"},
            headers=csrf,
        )
        assert r.status_code == 201, r.text
    trail = c.get("/api/reviews/PR-01").json()
    assert trail["state"] == "approved"
    assert [s["actor"] for s in trail["steps"]] == ["张三", "李四", "王五"]
    assert all(len(s["verdict"]["fingerprint"]) == 32 for s in trail["steps"])
    listed = c.get("/api/reviews").json()["proposals"]
    assert listed[0]["proposal_id"] == "PR-01" and listed[0]["state"] == "approved"
    assert listed[1]["state"] is None


def test_a_move_the_trail_refuses_is_a_400_with_one_message(writable):
    _app, c, csrf = writable
    r = c.post(
        "/api/reviews/PR-02?lang=en",
        json={"action": "approve", "actor": "王五"},
        headers=csrf,
    )
    assert r.status_code == 400
    assert "cannot become approved" in r.json()["error"]["message"]
    r = c.post("/api/reviews/PR-02", json={"action": "bless", "actor": "x"}, headers=csrf)
    assert r.status_code in (400, 422)


def test_the_read_only_sample_refuses_review_steps(client, csrf):
    r = client.post("/api/reviews/PR-01", json={"action": "submit", "actor": "张三"}, headers=csrf)
    assert r.status_code == 403
    assert client.get("/api/reviews/PR-01").json()["steps"] == []
