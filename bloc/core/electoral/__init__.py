"""Electoral accountability, the pure rules: the platform's ranking, pledge scorecards,
petition signatures and their projection (issue 10)."""
