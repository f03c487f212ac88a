"""Entity resolution, measured: how well the store tells who is who across articles.

    .venv/bin/python bench/entities.py                  # the dev split (tune on this)
    .venv/bin/python bench/entities.py --split test     # the test split (report once)
    .venv/bin/python bench/entities.py --more 78        # and a hundred articles ingested

The reference is bench/entities/reference.yaml (44 PolNeAR articles, every mention of a
person, body, place, publication, work or unnamed source labelled with its entity; see
its GUIDE.md); the texts are read from PolNeAR (bench/polnear.py). Each way of feeding
the store starts from an empty SQLite store and takes the articles in date order.

1. Gold mentions through the resolver. Every mention of the reference, at its span, is
   resolved by the store's resolver (`api.writes.links.apply`, the code the service
   runs), with the kind the trained recogniser reads at that span (none where it reads
   none: nothing is guessed). Every confident resolution is applied (a held entity, a new
   entity, the article's own unnamed source); nothing sent to review is accepted. A
   mention sent to review is scored in its chain of the article (the mentions the text's
   rules made one, which one `entity_link` proposal puts to a reviewer); the strict line
   scores each such mention as a cluster of its own.

2. End to end, through ingestion. Each article is held and extracted as `claims ingest`
   does (the extractor, the claim proposals, the `entity_link` proposals), then every
   claim proposal is accepted with `create_entities` as a reviewer accepting whatever is
   confident would; one waiting on an `entity_link` proposal stays pending, and so does
   one the store refuses. Once all are in, the pending ones are tried again until none
   more goes in (a later article may have made a name certain), as a reviewer coming
   back to the queue would. Each name of the accepted claims is aligned with the
   reference: a mention inside a quote by its offsets, a claimant or an attribution hop by
   the reference mention with the same words nearest its cue. Only aligned names are
   scored (the line says how many); "review" is the share of all names of the claim
   proposals whose entity waits on a link.

B-cubed precision and recall (Bagga and Baldwin, 1998) compare the store's clusters with
the reference's, per outlet and overall. Entities created are counted against the
reference's count of entities for the same mentions, with those the reference would have
merged into another created one (each created entity stands for the reference entity
most of its mentions are). Each way then takes every article a second time, as a new
source (the same text with a line break added, since a store holds one text once), and
counts the named entities this creates: there must be none (unnamed sources belong to
their source, so the second copy has its own, counted apart).

With `--more N`, N more articles of PolNeAR's train compartment (none of the reference's,
every k-th by name, so all outlets come in) are ingested end to end with the split's
articles, and the entities they create counted the same way, first pass and second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from polnear import Corpus  # noqa: E402

from api.errors import ProblemError  # noqa: E402
from api.ingest.extraction.recogniser import find_names  # noqa: E402
from api.ingest.queue import read_text  # noqa: E402
from api.queries import names  # noqa: E402
from api.queries.mentions import Mention  # noqa: E402
from api.queries.proposals import ProposalFilters, proposals_page  # noqa: E402
from api.store.db import Store  # noqa: E402
from api.store.migrate import ensure_current  # noqa: E402
from api.writes import candidates, links, proposals, sources  # noqa: E402
from api.writes.unit import unit_of_work  # noqa: E402
from models.base import EntityKind, Principal, Scope, normalize_name, slugify  # noqa: E402
from models.candidate import ProposalState  # noqa: E402
from models.proposal import ClaimProposalPublic, ProposalKind  # noqa: E402
from models.source import SourceCreate  # noqa: E402

REFERENCE = HERE / "entities" / "reference.yaml"
BENCH = Principal("bench", Scope.admin)
TARGET_F1, TARGET_P, TARGET_DUPLICATES, TARGET_REVIEW = 0.92, 0.95, 0.10, 0.25


@dataclass
class Article:
    path: str
    outlet: str
    date: str
    split: str
    text: str
    mentions: list[dict[str, Any]]  # none for an article outside the reference

    @property
    def slug(self) -> str:
        return slugify(Path(self.path).stem)[:110]


@dataclass
class Scored:
    """Per scored mention: its reference entity, the store's cluster, its outlet, and
    whether it was sent to review."""

    gold: list[str] = field(default_factory=list)
    store: list[str] = field(default_factory=list)
    strict: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    reviewed: list[bool] = field(default_factory=list)
    took: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, gold: str, outlet: str, cluster: str, strict: str, reviewed: bool) -> None:
        self.gold.append(gold)
        self.outlet.append(outlet)
        self.store.append(cluster)
        self.strict.append(strict)
        self.reviewed.append(reviewed)


# --- the articles ---------------------------------------------------------------------------


def read_articles(split: str) -> list[Article]:
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    corpus = Corpus.find()
    chosen = [doc for doc in reference["documents"] if split in ("all", doc["split"])]
    articles = [
        Article(
            doc["path"],
            doc["outlet"],
            str(doc["date"]),
            doc["split"],
            corpus.read(doc["path"], doc["sha256"]),
            doc["mentions"],
        )
        for doc in chosen
    ]
    return sorted(articles, key=lambda a: (a.date, a.path))


def more_articles(count: int) -> list[Article]:
    """`count` train articles the reference does not hold, every k-th by name."""
    if count <= 0:
        return []
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    held = {doc["path"] for doc in reference["documents"]}
    corpus = Corpus.find()
    others = [path for path in corpus.texts("train") if path not in held]
    step = max(1, len(others) // count)
    chosen = others[::step][:count]
    articles = []
    for path in chosen:
        outlet, date = Path(path).stem.split("_")[:2]
        articles.append(Article(path, outlet, date, "more", corpus.read(path, None), []))
    return articles


def recognised_kinds(text: str) -> dict[tuple[int, int], EntityKind]:
    """What the trained recogniser reads at each span it finds."""
    found, _ = find_names(text)
    kinds = {}
    for name in found:
        kind = EntityKind(name.kind)
        if kind is not EntityKind.group:
            kinds[(name.start, name.end)] = kind
    return kinds


def kind_at(kinds: dict[tuple[int, int], EntityKind], start: int, end: int) -> EntityKind | None:
    """The recogniser's kind for a span: its own span, or one that holds it closely (its
    "the FBI" for the reference's "FBI")."""
    if (start, end) in kinds:
        return kinds[(start, end)]
    for (s, e), kind in kinds.items():
        if s <= start and end <= e and (e - s) - (end - start) <= 4:
            return kind
    return None


# --- the store --------------------------------------------------------------------------------


def open_store(directory: Path, name: str) -> Store:
    store = Store(f"sqlite:///{directory / name}.db")
    ensure_current(store)
    return store


def hold(store: Store, article: Article, again: bool = False) -> int:
    """The article as a source (a second copy: another slug, a line break added)."""
    slug = article.slug + ("-again" if again else "")
    data = SourceCreate(
        slug=slug,
        name=Path(article.path).stem[:300],
        kind="article",
        date=article.date,
        text=article.text + ("\n" if again else ""),
    )
    with unit_of_work(store, BENCH) as work:
        sources.create(work, data)
        work.commit()
    with store.reader() as reader:
        return names.find_sources(reader, slug)[0].id


def entity_count(store: Store) -> tuple[int, int]:
    """Named entities and unnamed sources held (merged ones aside)."""
    with store.reader() as reader:
        rows = reader.rows(
            reader.sql(
                "SELECT kind = 'anonymous', COUNT(*) FROM entity WHERE merged_into_id IS NULL "
                "GROUP BY kind = 'anonymous'"
            )
        )
    counts = {bool(row[0]): int(row[1]) for row in rows}
    return counts.get(False, 0), counts.get(True, 0)


# --- 1. gold mentions through the resolver ------------------------------------------------------


def resolve_gold(
    store: Store, article: Article, scored: Scored | None, again: bool = False
) -> None:
    source_id = hold(store, article, again)
    kinds = recognised_kinds(article.text)
    mentions = [
        Mention(m["text"], kind_at(kinds, m["start"], m["end"]), m["start"], m["end"])
        for m in article.mentions
    ]
    with unit_of_work(store, BENCH) as work:
        _, chain_of, _, applied = links.apply(work, source_id, article.date, article.text, mentions)
        work.commit()
    if scored is None:
        return
    for n, mention in enumerate(article.mentions):
        chain = chain_of[n]
        entity = applied.entities[chain]
        if entity is None:
            cluster = f"review:{article.slug}:{chain}"
            scored.add(mention["entity"], article.outlet, cluster, f"{cluster}:{n}", True)
        else:
            cluster = f"entity:{entity}"
            scored.add(mention["entity"], article.outlet, cluster, cluster, False)
            scored.took[cluster].append(mention["entity"])


# --- 2. end to end, through ingestion -----------------------------------------------------------


@dataclass
class Ingested:
    names: int = 0  # names of the claim proposals
    waiting: int = 0  # of which, waiting on an entity_link
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)


def ingest(store: Store, article: Article, tally: Ingested, again: bool = False) -> int:
    """Hold, extract and accept what is confident; the source's id."""
    source_id = hold(store, article, again)
    text = article.text + ("\n" if again else "")
    read = read_text(text, article.date)
    with unit_of_work(store, BENCH) as work:
        source = names.Named(source_id, article.slug)
        candidates.replace_pending(work, source, text, read.drafts, read.chains)
        work.commit()
    for proposal in claim_proposals(store, source_id, ProposalState.pending):
        for written in _names_of(proposal):
            tally.names += 1
            tally.waiting += written["link"] is not None
        accept_confident(store, proposal, tally)
    return source_id


def accept_confident(store: Store, proposal: ClaimProposalPublic, tally: Ingested) -> bool:
    try:
        with unit_of_work(store, BENCH) as work:
            proposals.accept(work, proposal.id, {"create_entities": True}, "*")
            work.commit()
    except ProblemError as exc:
        tally.refused[exc.kind.name] += 1
        return False
    tally.accepted += 1
    return True


def catch_up(store: Store, source_ids: Sequence[int], tally: Ingested) -> int:
    """Try every claim proposal still pending again, until none more goes in: a claim
    that waited on one name may have become certain since (a later article made or named
    its entity), as for a reviewer coming back to the queue. How many went in."""
    total = 0
    while True:
        tally.refused.clear()
        gone_in = sum(
            accept_confident(store, proposal, tally)
            for source_id in source_ids
            for proposal in claim_proposals(store, source_id, ProposalState.pending)
        )
        total += gone_in
        if not gone_in:
            return total


def claim_proposals(
    store: Store, source_id: int, state: ProposalState
) -> list[ClaimProposalPublic]:
    found: list[ClaimProposalPublic] = []
    after: int | None = None
    filters = ProposalFilters(kind=ProposalKind.claim, state=state, source_ids=[source_id])
    while True:
        with store.session() as session:
            page = proposals_page(session, filters, limit=200, after=after)
        found += [p for p in page.items if isinstance(p, ClaimProposalPublic)]
        if page.next_after is None:
            return found
        after = int(page.next_after[0])


def _names_of(proposal: ClaimProposalPublic) -> list[dict[str, Any]]:
    """Each name of a claim proposal, with where it stands: a mention's offsets, else
    the cue's."""
    payload = proposal.payload
    found = []
    if payload.claimant.name:
        found.append({**payload.claimant.model_dump(), "at": payload.cue_start, "end": None})
    for hop in payload.attribution:
        found.append({**hop.model_dump(), "at": payload.cue_start, "end": None})
    for mention in payload.entities:
        found.append({**mention.model_dump(), "at": mention.start, "end": mention.end})
    return found


def score_ingested(store: Store, article: Article, source_id: int, scored: Scored) -> int:
    """Align the names of the accepted claims with the reference; how many aligned."""
    by_span = {(m["start"], m["end"]): n for n, m in enumerate(article.mentions)}
    by_words: dict[str, list[int]] = defaultdict(list)
    for n, m in enumerate(article.mentions):
        by_words[normalize_name(m["text"])].append(n)
    aligned: dict[int, str] = {}
    for proposal in claim_proposals(store, source_id, ProposalState.accepted):
        for written in _names_of(proposal):
            if written["entity"] is None:
                continue
            if written["end"] is not None:
                n = by_span.get((written["at"], written["end"]))
            else:
                near = by_words.get(normalize_name(written["name"]), [])
                n = min(
                    near,
                    key=lambda i: abs(article.mentions[i]["start"] - written["at"]),
                    default=None,
                )
            if n is not None:
                aligned.setdefault(n, written["entity"])
    for n, slug in sorted(aligned.items()):
        gold = article.mentions[n]["entity"]
        cluster = f"entity:{slug}"
        scored.add(gold, article.outlet, cluster, cluster, False)
        scored.took[cluster].append(gold)
    return len(aligned)


# --- scoring -------------------------------------------------------------------------------------


def bcubed(
    gold: Sequence[str], predicted: Sequence[str], chosen: Iterable[int]
) -> tuple[float, float]:
    """B-cubed precision and recall over the mentions `chosen`, against whole clusters."""
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_store: dict[str, set[int]] = defaultdict(set)
    for n, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(n)
        by_store[p].add(n)
    precision = recall = 0.0
    count = 0
    for n in chosen:
        same = by_gold[gold[n]] & by_store[predicted[n]]
        precision += len(same) / len(by_store[predicted[n]])
        recall += len(same) / len(by_gold[gold[n]])
        count += 1
    return (precision / count, recall / count) if count else (0.0, 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def duplicates(took: dict[str, list[str]]) -> tuple[int, int]:
    """Entities that took reference mentions, and how many of them the reference would
    have merged into another (each stands for the entity most of its mentions are)."""
    majority: Counter[str] = Counter()
    for golds in took.values():
        majority[Counter(golds).most_common(1)[0][0]] += 1
    return len(took), sum(count - 1 for count in majority.values())


def table(scored: Scored) -> tuple[float, float, float]:
    """Print P, R, F1 and review share per outlet and overall; the overall figures."""
    print(f"{'outlet':<14}{'mentions':>9}{'P':>8}{'R':>8}{'F1':>8}{'review':>8}")
    for outlet in [*sorted(set(scored.outlet)), "all"]:
        chosen = [n for n, o in enumerate(scored.outlet) if outlet in ("all", o)]
        p, r = bcubed(scored.gold, scored.store, chosen)
        share = sum(scored.reviewed[n] for n in chosen) / max(len(chosen), 1)
        print(f"{outlet:<14}{len(chosen):>9}{p:>8.3f}{r:>8.3f}{f1(p, r):>8.3f}{share:>8.1%}")
    p, r = bcubed(scored.gold, scored.store, range(len(scored.gold)))
    return p, r, sum(scored.reviewed) / max(len(scored.reviewed), 1)


def _target(what: str, met: bool, why: str) -> str:
    return f"{'met   ' if met else 'MISSED'} {what}: {why}"


def verdicts(p: float, r: float, review: float, created: int, extra: int, label: str) -> list[str]:
    return [
        _target(f"{label}: B-cubed F1 >= {TARGET_F1}", f1(p, r) >= TARGET_F1, f"F1 {f1(p, r):.3f}"),
        _target(f"{label}: precision >= {TARGET_P}", p >= TARGET_P, f"P {p:.3f}"),
        _target(
            f"{label}: at most 1 entity in 10 that the reference would have merged",
            extra <= TARGET_DUPLICATES * created,
            f"{extra} of {created} ({extra / max(created, 1):.1%})",
        ),
        _target(
            f"{label}: at most a quarter of mentions sent to review",
            review <= TARGET_REVIEW,
            f"{review:.1%}",
        ),
    ]


# --- the runs ------------------------------------------------------------------------------------


def run_gold(directory: Path, articles: Sequence[Article], split: str) -> list[str]:
    store = open_store(directory, "gold")
    scored = Scored()
    for article in articles:
        resolve_gold(store, article, scored)
    print(f"\n== 1. gold mentions through the resolver: {split}, {len(articles)} articles ==")
    p, r, review = table(scored)
    sp, sr = bcubed(scored.gold, scored.strict, range(len(scored.gold)))
    print(f"strict (each mention sent to review alone): P {sp:.3f} R {sr:.3f} F1 {f1(sp, sr):.3f}")
    created, extra = duplicates(scored.took)
    reference = len(set(scored.gold))
    before = entity_count(store)
    print(
        f"entities: {before[0]} named and {before[1]} unnamed sources created; the "
        f"reference has {reference} for these mentions; {extra} of the {created} that took "
        "mentions the reference would have merged into another"
    )
    for article in articles:
        resolve_gold(store, article, None, again=True)
    after = entity_count(store)
    print(
        f"second pass (each article again, as a new source): named {before[0]} -> {after[0]}, "
        f"unnamed sources {before[1]} -> {after[1]} (each source has its own)"
    )
    store.dispose()
    found = verdicts(p, r, review, created, extra, "resolver")
    found.append(
        _target(
            "resolver: no new entity the second time",
            after[0] == before[0],
            f"{before[0]} -> {after[0]}",
        )
    )
    return found


def run_ingest(
    directory: Path, articles: Sequence[Article], more: Sequence[Article], split: str
) -> list[str]:
    store = open_store(directory, "ingest")
    scored = Scored()
    tally = Ingested()
    aligned = mentions = 0
    everything = sorted([*articles, *more], key=lambda a: (a.date, a.path))
    started = time.perf_counter()
    held: list[tuple[Article, int]] = []
    for article in everything:
        held.append((article, ingest(store, article, tally)))
    retried = catch_up(store, [source_id for _, source_id in held], tally)
    for article, source_id in held:
        if article.mentions:
            aligned += score_ingested(store, article, source_id, scored)
            mentions += len(article.mentions)
    took = time.perf_counter() - started
    label = f"{split}, {len(articles)} articles" + (
        f" (+{len(more)} more ingested)" if more else ""
    )
    print(f"\n== 2. end to end, through ingestion: {label} ==")
    print(
        f"claim proposals accepted {tally.accepted} ({retried} of them on a second look); "
        "left pending: "
        + (", ".join(f"{n} {kind}" for kind, n in tally.refused.most_common()) or "none")
    )
    print(f"names aligned with the reference: {aligned} of {mentions} reference mentions")
    p, r, _ = table(scored)
    review = tally.waiting / max(tally.names, 1)
    print(
        "names of the claim proposals waiting on a link: "
        f"{tally.waiting} of {tally.names} ({review:.1%})"
    )
    created, extra = duplicates(scored.took)
    before = entity_count(store)
    print(
        f"entities: {before[0]} named and {before[1]} unnamed sources created by "
        f"{len(everything)} articles ({took:.0f} s); of the {created} that took reference "
        f"mentions, {extra} the reference would have merged into another"
    )
    again = Ingested()
    copies = [ingest(store, article, again, again=True) for article in everything]
    catch_up(store, copies, again)
    after = entity_count(store)
    print(
        f"second pass (each article again, as a new source; {again.accepted} claims "
        f"accepted): named {before[0]} -> {after[0]}, unnamed sources {before[1]} -> {after[1]}"
    )
    store.dispose()
    found = verdicts(p, r, review, created, extra, "ingest")
    found.append(
        _target(
            "ingest: no new entity the second time",
            after[0] == before[0],
            f"{before[0]} -> {after[0]}",
        )
    )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--more", type=int, default=0, help="more train articles to ingest")
    parser.add_argument("--only", choices=["resolver", "ingest"], default=None)
    args = parser.parse_args()
    articles = read_articles(args.split)
    more = more_articles(args.more)
    started = time.perf_counter()
    found: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        if args.only in (None, "resolver"):
            found += run_gold(Path(scratch), articles, args.split)
        if args.only in (None, "ingest"):
            found += run_ingest(Path(scratch), articles, more, args.split)
    print()
    for line in found:
        print(line)
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
