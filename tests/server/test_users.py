"""Finding people: search by name prefix, and GET /users/{id} (visible, or sharing a conversation)."""

from __future__ import annotations

from tests.server.conftest import PASSWORD, PUBLIC_USER_KEYS, assert_error, assert_public_user, no_such_id


def names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [u["username"] for u in response.json["users"]]


def search(user, q: str, **params):
    return user.get("/users", query_string={"q": q, **params})


def test_search_answers_users_by_username_prefix_ignoring_case(auth):
    me = auth("zed")
    auth("alice")
    auth("Alfred")
    auth("bob")
    r = search(me, "AL")
    assert sorted(names(r)) == ["Alfred", "alice"]
    for user in r.json["users"]:
        assert_public_user(user)  # what others see: no settings, no email, no dates


def test_search_matches_display_names_too(auth):
    me = auth("zed")
    auth("xy1", display_name="Émile Zola")
    auth("xy2", display_name="Ada Lovelace")
    assert names(search(me, "émi")) == ["xy1"]
    assert names(search(me, "ÉMILE z")) == ["xy1"]
    assert names(search(me, "ada")) == ["xy2"]
    assert names(search(me, "love")) == []  # a prefix, not a substring


def test_a_name_is_found_by_its_own_first_letters_in_any_script(auth):
    me = auth("zed")
    auth("xy1", display_name="İstanbul Kebab")
    auth("xy2", display_name="ΣΟΦΙΑ")
    auth("xy3", display_name="Straße")
    auth("xy4", display_name="Ǆemal")
    for q, expected in [
        ("İst", ["xy1"]),
        ("İSTANBUL", ["xy1"]),
        ("ΣΟΦ", ["xy2"]),
        ("σοφ", ["xy2"]),
        ("straß", ["xy3"]),
        ("STRAẞE", ["xy3"]),
        ("Ǆe", ["xy4"]),
        ("ǆe", ["xy4"]),
    ]:
        assert names(search(me, q)) == expected, q


def test_search_never_answers_the_caller_invisible_or_deleted_users(auth):
    me = auth("alice")
    hidden = auth("alicia")
    gone = auth("alina")
    auth("alissa")
    hidden.patch("/me", {"visible": False})
    gone.delete("/me", {"password": PASSWORD})
    assert names(search(me, "ali")) == ["alissa"]


def test_search_is_bounded_by_limit(auth, bulk_users):
    me = auth("zed")
    bulk_users(60, prefix="sam")
    assert len(names(search(me, "sam"))) == 20
    assert len(names(search(me, "sam", limit=5))) == 5
    assert len(names(search(me, "sam", limit=50))) == 50


def test_like_wildcards_in_the_query_are_literal(auth):
    me = auth("zed")
    auth("abc")
    auth("a_c")
    auth("xyz", display_name="a% off")
    auth("bsl", display_name="\\o/")
    for q, expected in [
        ("%", []),
        ("_", []),
        ("a%", ["xyz"]),
        ("a_c", ["a_c"]),
        ("\\", ["bsl"]),
        ("a", ["a_c", "abc", "xyz"]),
    ]:
        assert sorted(names(search(me, q))) == expected, q


def test_search_query_errors(alice):
    for params, field in [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "a" * 33}, "q"),
        ({"q": "al", "limit": "0"}, "limit"),
        ({"q": "al", "limit": "51"}, "limit"),
        ({"q": "al", "limit": "ten"}, "limit"),
        ({"q": "al", "limit": "-1"}, "limit"),
        ({"q": "al", "limit": ""}, "limit"),
        ({"q": "a\u0000"}, "q"),
    ]:
        assert_error(alice.get("/users", query_string=params), 400, "invalid_field", field, case=params)


def test_search_q_of_32_characters_is_fine(alice):
    assert search(alice, "a" * 32).status_code == 200


# ---- GET /users/{id} ------------------------------------------------------------------------------------


def test_get_a_visible_user(alice, bob):
    r = alice.get(f"/users/{bob.id}")
    assert r.status_code == 200
    assert set(r.json) == {"user"}
    assert_public_user(r.json["user"])
    assert {k: r.json["user"][k] for k in PUBLIC_USER_KEYS} == {
        "id": bob.id,
        "username": "bob",
        "display_name": "bob",
        "deleted": False,
    }


def test_get_myself(alice):
    alice.patch("/me", {"visible": False})
    assert alice.get(f"/users/{alice.id}").json["user"]["username"] == "alice"


def test_invisible_user_looks_like_no_user_unless_we_share_a_conversation(alice, bob, carol):
    bob.patch("/me", {"visible": False})
    hidden = alice.get(f"/users/{bob.id}")
    missing = alice.get(f"/users/{no_such_id()}")
    assert_error(hidden, 404, "not_found")
    assert hidden.get_json() == missing.get_json()
    group = bob.group("Climbing", alice, carol)  # bob may add people he can see
    assert alice.get(f"/users/{bob.id}").status_code == 200
    # Once the shared conversation is gone for alice, bob is hidden again.
    assert alice.delete(f"/conversations/{group['id']}/members/{alice.id}").status_code == 204
    assert alice.get(f"/users/{bob.id}").get_json() == missing.get_json()


def test_deleted_user_is_not_found_for_strangers(alice, bob):
    bob_id = bob.id
    bob.delete("/me", {"password": PASSWORD})
    assert_error(alice.get(f"/users/{bob_id}"), 404, "not_found")


def test_malformed_user_ids_are_not_found(alice):
    for path in [
        "/users/0",
        "/users/-1",
        "/users/abc",
        "/users/1.5",
        "/users/01",
        "/users/99999999999999999999",
    ]:
        assert_error(alice.get(path), 404, "not_found", case=path)
