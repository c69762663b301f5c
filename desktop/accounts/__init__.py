"""Several signed-in accounts in one client: where each keeps its data, the set of sessions, adoption of an
older single-account data dir."""
