"""All reads: names, claim lists and single claims, the catalogue, history and keys.

Nothing here writes or commits. The hot claim reads go through a `Reader` (driver-level
SQL); the rest through ORM sessions.
"""
