"""Getting data in: fixtures, bulk loads and extraction of claims from new texts."""
