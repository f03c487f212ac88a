"""Offline extraction of attributed claims (who is credited with saying what) from news text.

The first reader of the review queue: it proposes candidates, a person accepts, edits or
rejects them. `extract()` never raises on any text; a text it cannot read gives no
candidates and a warning. Nothing is loaded at import time: the trained English pipeline
is loaded on the first call and kept.
"""

from api.ingest.extraction.extractor import extract
from api.ingest.extraction.results import Candidate, Extraction, Hop, Mention, RelationFinding

__all__ = ["Candidate", "Extraction", "Hop", "Mention", "RelationFinding", "extract"]
