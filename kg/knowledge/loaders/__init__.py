"""One module per family of sources; each ``plan_<source>(ctx)`` validates and returns a plan."""
