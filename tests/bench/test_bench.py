def test_quick_passport_benchmark_renders_every_card() -> None:
    from bench import passport

    figures = passport.run(credentials=5, database=None)
    assert figures["credentials"] == 5
    assert figures["median_ms"] > 0
