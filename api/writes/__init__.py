"""Use cases that change the store: each takes a `UnitOfWork`, none commits."""
