"""The store: engine and sessions, the claim read model, full-text search, migrations."""
