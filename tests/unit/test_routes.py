from infra import routes


def test_every_rest_prefix_is_owned_by_its_group():
    for group in routes.REST_GROUPS:
        for prefix in group.prefixes:
            assert routes.rest_function_for(prefix + "/") == group.function
            assert routes.rest_function_for(prefix + "/x/y/") == group.function


def test_prefixes_match_on_segment_boundaries_only():
    assert routes.rest_function_for("/api/authx/") is None
    assert routes.rest_function_for("/nothing") is None


def test_webhook_paths_with_and_without_trailing_slash():
    assert routes.webhook_function_for("/webhook/evolution-uazapi/") == routes.WEBHOOK_FUNCTION
    assert routes.webhook_function_for("/webhooks/evolution-uazapi") == routes.WEBHOOK_FUNCTION
    assert routes.webhook_function_for("/webhook/other/") is None


def test_no_prefix_is_listed_twice():
    prefixes = [p for g in routes.REST_GROUPS for p in g.prefixes]
    assert len(prefixes) == len(set(prefixes))
