"""Search latency per mode and per stage, on either search backend, over the arXiv dumps.

    export PAPERFEED_DATA_DIR=/tmp/bench-recent
    paperfeed migrate
    python bench/search/search_bench.py --corpus recent --workdir /tmp/bench-recent/work --embed-seconds 600

    # the same on PostgreSQL (devdb sets DATABASE_URL, which makes it the search backend)
    python -m paperfeed.core.devdb run --dir /tmp/pg750 -- python bench/search/search_bench.py \
        --corpus all --workdir /tmp/bench-pg/work --embeddings /tmp/bench-recent/work

Runs against the configured database (point PAPERFEED_DATA_DIR at a scratch directory): if it
holds no papers, the ``--corpus`` dumps are imported first. The index is built once into
``--workdir`` and reused by later runs (``--rebuild`` builds it again), so repeated runs only
time queries. Every search goes through the same code as the site (``search_papers``,
``related_papers``): parsing, exact lookups, the query embedding (its cache is cleared before
each query), the keyword and vector searches, feedback, fusion, fetching rows and highlighting.
``--build-only`` builds (at low priority, say) and stops, so a later run under the shared lock
only times queries; ``--topics`` also runs the indexing step that infers categories and key
phrases, and reports its papers per second.

Vectors are real embeddings from the cache ``--embed-seconds`` fills (in file order of the
recent dump); every other paper gets a stand-in vector predicted from its words (see
``bench_corpus``; needs the ``bench`` extra: ``pip install -e '.[bench]'``). The output says how
many of each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # imported by a test, Django is already set up
    django.setup()

import numpy as np  # noqa: E402
from bench_corpus import OLDER, RECENT, EmbeddingCache, StandInModel, read_dump  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import override_settings  # noqa: E402

from paperfeed.papers.models import Paper  # noqa: E402
from paperfeed.search import timing  # noqa: E402
from paperfeed.search.backends import get_backend  # noqa: E402
from paperfeed.search.backends import postgres_terms as terms  # noqa: E402
from paperfeed.search.backends import vectors as vector_files  # noqa: E402
from paperfeed.search.backends.postgres import DOCS as PG_DOCS  # noqa: E402
from paperfeed.search.backends.postgres import STATE as PG_STATE  # noqa: E402
from paperfeed.search.documents import batched, documents_for  # noqa: E402
from paperfeed.search.embedding import get_embedder  # noqa: E402
from paperfeed.search.public import related_papers, search_papers, warm_up  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data"
BUILD_BATCH = 50_000
MIN_FIT = 1000  # real embeddings needed to fit the stand-in map
MAX_FIT = 20_000
STAGES = (
    "exact lookups",
    "query embedding",
    "keyword",
    "query embedding wait",
    "vector search",
    "vector search wait",
    "feedback",
    "fusion",
    "author lookup",
    "hydrate",
    "highlight",
    "stored vectors",
)


def ms(samples: list[float]) -> str:
    values = sorted(s * 1000 for s in samples)
    if not values:
        return f"{'-':>8} {'-':>8} {'-':>8} {'-':>8}"
    pick = lambda q: values[min(len(values) - 1, int(round(q * (len(values) - 1))))]  # noqa: E731
    return f"{pick(0.50):8.2f} {pick(0.95):8.2f} {pick(0.99):8.2f} {statistics.mean(values):8.2f}"


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the dumps")
    parser.add_argument(
        "--corpus",
        choices=["recent", "all"],
        default="recent",
        help="what to import into an empty database: recent (75k cs papers) or all (plus 674k older)",
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/paperfeed-search-bench"))
    parser.add_argument(
        "--embeddings", type=Path, help="folder of the real-embedding cache (default: the workdir)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the index again")
    parser.add_argument(
        "--embed-seconds",
        type=float,
        default=0,
        help="first spend up to this long adding real embeddings of the recent dump to the cache",
    )
    parser.add_argument("--queries", type=Path, default=HERE / "dev_queries.jsonl")
    parser.add_argument("--count", type=int, default=200, help="queries to time per mode (default 200)")
    parser.add_argument("--no-recall", action="store_true", help="skip measuring HNSW recall")
    parser.add_argument(
        "--recall-queries", type=int, default=100, help="query vectors for HNSW recall (default 100)"
    )
    parser.add_argument(
        "--backend",
        choices=["local", "postgres"],
        default="postgres" if os.environ.get("DATABASE_URL") else "local",
        help="search backend (default: postgres when DATABASE_URL is set, as under devdb run)",
    )
    parser.add_argument("--build-only", action="store_true", help="build the index if needed, time nothing")
    parser.add_argument(
        "--pg-bulk",
        action="store_true",
        help="PostgreSQL: write the rows without the GIN and HNSW indexes and create those afterwards "
        "(the backend's own path inserts into both row by row: about 200 rows per CPU-second at 750k)",
    )
    parser.add_argument(
        "--topics",
        action="store_true",
        help="after the build, run the topics step (inferred categories, key phrases) and time it",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    options = vars(arguments().parse_args(argv))
    workdir: Path = options["workdir"]
    workdir.mkdir(parents=True, exist_ok=True)
    with override_settings(SEARCH_INDEX_DIR=workdir / "index", SEARCH_BACKEND=options["backend"]):
        run(**options)


def index_missing(backend) -> bool:
    if backend.name == "local":
        return backend.live is None
    return backend.state().documents == 0


def run(*, data: Path, corpus: str, workdir: Path, rebuild: bool, **options) -> None:
    embedder = get_embedder()
    cache_root = options["embeddings"] or workdir
    cache = EmbeddingCache(cache_root, embedder.name, embedder.runtime, data / RECENT)
    if options["embed_seconds"] > 0:
        total = sum(1 for _ in read_dump(data / RECENT))
        cache.fill(embedder, total, seconds=options["embed_seconds"], report=lambda s: print(f"  {s}"))
    cache = EmbeddingCache.for_reading(cache_root, embedder.name, embedder.runtime, data / RECENT)
    if not Paper.objects.exists():
        import_dumps(data, corpus)
    manifest_path = workdir / f"index-{options['backend']}.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    visible = Paper.objects.filter(hidden=False).count()
    if rebuild or manifest is None or manifest.get("papers") != visible or index_missing(get_backend()):
        manifest = build_index(data, cache, workdir, pg_bulk=options["pg_bulk"])
        manifest_path.write_text(json.dumps(manifest, indent=1))
        built_here = True
    else:
        built_here = False
    if options["topics"]:
        manifest["topics"] = topics_step()
        manifest_path.write_text(json.dumps(manifest, indent=1))
    if options["build_only"]:
        print(f"index ready ({manifest['papers']:,} papers); --build-only: nothing timed")
        return
    time_queries(manifest, built_here, workdir, **options)


# -- preparing ----------------------------------------------------------------------------------


def import_dumps(data: Path, corpus: str) -> None:
    files = [data / RECENT] + ([data / OLDER] if corpus == "all" else [])
    for path in files:
        if not path.exists():
            raise SystemExit(f"{path} does not exist (use --data)")
    for path in files:
        print(f"importing {path.name} (once; later runs reuse the database)")
        call_command("ingest", "file", str(path), "--no-index")


def build_index(data: Path, cache: EmbeddingCache, workdir: Path, pg_bulk: bool = False) -> dict:
    embedder = get_embedder()
    started = time.monotonic()
    pk_of = dict(Paper.objects.filter(hidden=False).values_list("arxiv_id", "pk"))
    real_count = cache.done()
    real = cache.load(real_count)
    real_ids = [p.arxiv_id for p in read_dump(data / RECENT, limit=real_count)]
    real_by_pk = {pk_of[a]: row for row, a in enumerate(real_ids) if a in pk_of}
    pks = sorted(pk_of.values())
    standin = None
    if len(real_by_pk) < len(pks):
        if len(real_by_pk) < MIN_FIT:
            raise SystemExit(
                f"only {len(real_by_pk):,} papers have real embeddings; run with --embed-seconds first "
                f"(stand-in vectors are fitted on at least {MIN_FIT:,} of them)"
            )
        fit_docs = documents_for(sorted(real_by_pk)[:MAX_FIT])
        standin = StandInModel([d.text for d in fit_docs], real[[real_by_pk[d.pk] for d in fit_docs]])
        elapsed = time.monotonic() - started
        print(f"stand-in model ready ({elapsed:.0f} s): fit cosine {standin.fit_cosine:.3f}")
    watermark = Paper.objects.aggregate(newest=Max("modified_at"))["newest"]
    backend = get_backend()
    builder = backend.begin_rebuild(embedder.name, embedder.dim)
    # Each backend's own write path, as sync.rebuild takes it: the local index writes tantivy
    # and vector segments; PostgreSQL the tsvector, word statistics and HNSW graph row by row.
    target = builder.live if backend.name == "local" else builder
    write = (
        (lambda docs, vectors: target.write(docs, vectors, [], fresh=True))
        if backend.name == "local"
        else (lambda docs, vectors: [target.upsert(d, v) for d, v in pg_batches(docs, vectors)])
    )
    later = pg_drop_indexes() if backend.name != "local" and pg_bulk else []
    read_s = standin_s = write_s = 0.0
    done = 0
    for chunk in batched(pks, BUILD_BATCH):
        t0 = time.monotonic()
        docs = documents_for(chunk)
        t1 = time.monotonic()
        vectors = np.empty((len(docs), embedder.dim), dtype=np.float32)
        guess = [i for i, d in enumerate(docs) if d.pk not in real_by_pk]
        have = [i for i, d in enumerate(docs) if d.pk in real_by_pk]
        if have:
            vectors[have] = real[[real_by_pk[docs[i].pk] for i in have]]
        if guess:
            vectors[guess] = standin.predict([docs[i].text for i in guess])
        t2 = time.monotonic()
        write(docs, vectors)
        t3 = time.monotonic()
        read_s, standin_s, write_s = read_s + t1 - t0, standin_s + t2 - t1, write_s + t3 - t2
        done += len(docs)
        print(
            f"  indexed {done:,}/{len(pks):,} ({time.monotonic() - started:.0f} s; this batch: read "
            f"{t1 - t0:.0f} s, stand-ins {t2 - t1:.0f} s, write {t3 - t2:.0f} s, "
            f"{len(docs) / (t3 - t2):,.0f} papers/s)",
            flush=True,
        )
    indexes_s = pg_create_indexes(later)
    if watermark:
        target.set_watermark(watermark)
        if backend.name != "local":
            target.set_vector_watermark(watermark)
    t0 = time.monotonic()
    backend.commit_rebuild(builder)
    compact_s = time.monotonic() - t0
    graph = uses_graph(get_backend(), len(pks))
    return {
        "papers": len(pks),
        "real": len(real_by_pk),
        "standin": len(pks) - len(real_by_pk),
        "standin_method": standin.describe() if standin else "",
        "embedder": f"{embedder.name}; real vectors made with runtime {cache.runtime}",
        "read_s": read_s,
        "standin_s": standin_s,
        "write_s": write_s,
        "compact_s": compact_s,
        "graph": graph,
        "indexes_s": indexes_s,
        "total_s": time.monotonic() - started,
        "size": index_size(backend, workdir),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": load_average(),
    }


PG_BATCH = 5000  # rows per PostgreSQL transaction while building
PG_BUILD_MEMORY = "3GB"  # maintenance_work_mem for CREATE INDEX: the whole HNSW graph in memory
PG_LATER = ("hnsw", "gin")  # indexes --pg-bulk creates after the rows are written


def pg_drop_indexes() -> list[tuple[str, str]]:
    """Drop the documents' GIN and HNSW indexes the backend just created; returns (method,
    definition) to create them again, the same, once the rows are in (``pg_create_indexes``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef, am.amname FROM pg_indexes i JOIN pg_class c ON c.relname ="
            " i.indexname JOIN pg_am am ON am.oid = c.relam WHERE i.tablename = %s",
            [PG_DOCS],
        )
        later = [
            (method, name, definition) for name, definition, method in cursor.fetchall() if method in PG_LATER
        ]
        for _, name, _ in later:
            cursor.execute(f"DROP INDEX {name}")
    return [(method, definition) for method, _, definition in later]


def pg_create_indexes(later: list[tuple[str, str]]) -> dict[str, float]:
    """Create the dropped indexes, timed one by one."""
    from django.db import connection

    seconds: dict[str, float] = {}
    if not later:
        return seconds
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{PG_BUILD_MEMORY}'")
        for method, definition in later:
            t0 = time.monotonic()
            cursor.execute(definition)
            seconds[method] = time.monotonic() - t0
            print(f"  {method} index created in {seconds[method]:.0f} s", flush=True)
    return seconds


def pg_batches(docs: list, vectors: np.ndarray):
    for start in range(0, len(docs), PG_BATCH):
        yield docs[start : start + PG_BATCH], vectors[start : start + PG_BATCH]


def uses_graph(backend, count: int) -> bool:
    if backend.name == "local":
        return backend.live.vectors.graph is not None
    return count >= vector_files.HNSW_MIN_VECTORS  # below it the backend searches exactly


def index_size(backend, workdir: Path) -> int:
    if backend.name == "local":
        return dir_size(workdir / "index")
    from django.db import connection

    with connection.cursor() as cursor:  # the documents with their GIN and HNSW indexes, the statistics
        cursor.execute(
            "SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relname = ANY(%s)",
            [[PG_DOCS, PG_STATE, terms.TERMS, terms.LENGTHS]],
        )
        return int(cursor.fetchone()[0] or 0)


def topics_step() -> dict:
    """The indexing step that infers categories and extracts key phrases, timed, with progress.

    Done again for every paper (``redo``), as a first indexing does it. When every paper has
    arXiv categories (the dumps) none is inferred; then the classifier is also timed on its own:
    fitted on the labelled papers and predicting every paper (without the writes)."""
    from paperfeed.search.topics_step import WRITE_BATCH, labelled_model, update

    backend = get_backend()
    started, cpu = time.monotonic(), time.process_time()
    shown: dict[str, float] = {}

    def progress(what: str, done: int, total: int) -> None:
        # A line per tenth (the site's bar draws only on a terminal), with the rate so far.
        if total and (done == total or done - shown.get(what, -total) >= total / 10):
            shown[what] = done
            first = shown.setdefault(f"{what} started", time.monotonic())
            rate = done / max(time.monotonic() - first, 1e-9)
            print(f"  topics: {what} {done:,}/{total:,} ({rate:,.0f} papers/s)", flush=True)

    result = update(backend, progress, redo=True)
    took, cpu = time.monotonic() - started, time.process_time() - cpu
    papers = max(result.categorised, result.phrased)
    line = (
        f"{took:.0f} s ({cpu:.0f} CPU-s): categories inferred for {result.categorised:,} papers, "
        f"key phrases for {result.phrased:,}; {papers / max(took, 1e-9):,.0f} papers/s"
    )
    t0 = time.monotonic()
    model = None if result.categorised else labelled_model(backend)
    fit_s = time.monotonic() - t0
    if model is not None:
        pks = backend.indexed_pks().tolist()
        t0 = time.monotonic()
        for chunk in batched(pks, WRITE_BATCH):
            found = backend.vectors_for(chunk)
            model.predict(np.vstack(list(found.values())))
        predict_s = time.monotonic() - t0
        line += (
            f"; the category model alone: fitted on {len(model):,} papers in {fit_s:.0f} s, "
            f"{len(pks):,} predicted in {predict_s:.0f} s ({len(pks) / max(predict_s, 1e-9):,.0f} papers/s)"
        )
    print(f"topics step:   {line}")
    return {"seconds": took, "line": line, "load": load_average()}


# -- timing -------------------------------------------------------------------------------------


def time_queries(manifest: dict, built_here: bool, workdir: Path, **options) -> None:
    load_before = load_average()
    count = options["count"]
    queries = [json.loads(line) for line in options["queries"].read_text().splitlines() if line.strip()]
    texts = [q["query"][:250] for q in queries]
    random.Random(1).shuffle(texts)
    texts = (texts * (count // max(1, len(texts)) + 1))[:count]
    embedder = get_embedder()
    t0 = time.monotonic()
    warm_up()
    warm_s = time.monotonic() - t0
    for text in texts[:10]:  # first touches of the index pages and the database
        search_papers(text)

    def timed(run) -> tuple[list[float], list[float], dict[str, list[float]]]:
        wall, cpu, stages = [], [], {name: [] for name in STAGES}
        for item in items:
            embedder._queries.clear()
            with timing.recording() as record:
                c0, w0 = time.process_time(), time.perf_counter()
                run(item)
                wall.append(time.perf_counter() - w0)
                cpu.append(time.process_time() - c0)
            # Hydrate is reported without the highlighting it contains.
            record["hydrate"] = record.get("hydrate", 0.0) - record.get("highlight", 0.0)
            for name in STAGES:
                stages[name].append(record.get(name, 0.0))
        return wall, cpu, stages

    items = texts
    results = {
        mode: timed(lambda q, m=mode: search_papers(q, mode=m)) for mode in ("keyword", "dense", "hybrid")
    }
    embed_only = timed(lambda q: embedder.encode_query(q))[0]
    # Navigational queries on their own: every arXiv id (a redirect when one paper answers) and
    # every author name of the query file, through the same hybrid search.
    answered: dict[str, int] = {}
    navigational = {}
    for kind in ("id", "author"):
        items = [q["query"] for q in queries if q.get("kind") == kind]

        def found(query: str, kind: str = kind) -> None:
            answered[kind] = answered.get(kind, 0) + bool(search_papers(query)[1])

        navigational[kind] = (*timed(found), len(items))
    pks = list(Paper.objects.filter(hidden=False).values_list("pk", flat=True))
    picks = [pks[i] for i in np.random.default_rng(2).integers(0, len(pks), count)]
    items = list(Paper.objects.in_bulk(picks).values())
    random.Random(3).shuffle(items)
    items = (items * 2)[:count]
    related = timed(lambda paper: related_papers(paper, limit=10))
    recall = None if options["no_recall"] else graph_recall(texts[: options["recall_queries"]])
    load_after = load_average()

    backend = get_backend()
    if backend.name == "local":
        graph = backend.live.vectors.graph is not None
        kind = "HNSW (usearch f16, M=16, ef_add=64, ef_search>=96)" if graph else "exact (numpy)"
    else:
        graph = uses_graph(backend, manifest["papers"])
        kind = "HNSW (pgvector, m=16, ef_construction=64, ef_search>=100)" if graph else "exact (pgvector)"
    print(f"backend:       {backend.name} ({backend.state().location})")
    print(f"corpus:        {manifest['papers']:,} papers in the database ({Paper.objects.count():,} rows)")
    query_runtime = getattr(embedder, "query_runtime", embedder.runtime)
    print(f"embedder:      {embedder.name}, runtime {query_runtime} for queries")
    print(f"index vectors: {manifest['embedder']}")
    print(f"vectors:       {manifest['real']:,} real embeddings; {manifest['standin']:,} stand-ins")
    if manifest["standin"]:
        print(f"stand-ins:     {manifest['standin_method']}")
    print(f"vector index:  {kind}; HNSW from {vector_files.HNSW_MIN_VECTORS:,} vectors")
    when = "in this run" if built_here else "earlier, reused"
    if backend.name == "local":
        written = "tantivy + vector segments"
        last = f"compaction{' + HNSW graph' if manifest['graph'] else ''}"
    else:
        later = manifest.get("indexes_s", {})
        written = (
            "rows (tsvector, lengths, word statistics" + ("" if later else ", GIN and HNSW inserts") + ")"
        )
        last = "".join(f"{method} index {took:.0f} s, " for method, took in later.items()) + "ANALYZE"
    print(
        f"index build:   {manifest['total_s']:.0f} s {when} (load {manifest['load']}): read rows "
        f"{manifest['read_s']:.0f} s, stand-ins {manifest['standin_s']:.0f} s, {written} "
        f"{manifest['write_s']:.0f} s, {last} {manifest['compact_s']:.0f} s"
    )
    if "topics" in manifest:
        print(f"topics step:   {manifest['topics']['line']} (load {manifest['topics']['load']})")
    where = workdir / "index" if backend.name == "local" else "the index's four tables with their indexes"
    print(f"index size:    {manifest['size'] / 1e6:,.0f} MB ({where})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory:   {peak:,.0f} MB resident in this run"
        + (f"; {manifest['peak_mb']:,.0f} MB when the index was built" if not built_here else "")
    )
    print(f"warm-up:       {warm_s:.1f} s (warm_up() after the bench loaded the model: opens the index)")
    print(f"load average:  {load_before} before timing, {load_after} after")
    print(
        f"queries:       {count} per mode from {options['queries'].name}, single-threaded, through "
        "search_papers (page of 20), query embedding uncached"
    )
    if recall:
        print(f"HNSW recall:   {recall}")
    print("")
    print(f"{'latency ms':<24} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}   {'CPU p50':>8} {'CPU p99':>8}")
    print(f"{'query embedding alone':<24} {ms(embed_only)}")
    for label, (wall, cpu, _) in [
        ("keyword", results["keyword"]),
        ("dense (incl. embed)", results["dense"]),
        ("hybrid (incl. embed)", results["hybrid"]),
        ("related papers", related),
    ]:
        cpu_cols = ms(cpu).split()
        print(f"{label:<24} {ms(wall)}   {cpu_cols[0]:>8} {cpu_cols[2]:>8}")
    for kind, label in (("id", "hybrid: arXiv ids"), ("author", "hybrid: author names")):
        wall, cpu, _, total = navigational[kind]
        cpu_cols = ms(cpu).split()
        found_line = f"({answered.get(kind, 0)} of {total} found papers)"
        print(f"{label:<24} {ms(wall)}   {cpu_cols[0]:>8} {cpu_cols[2]:>8}   {found_line}")
    for label, (_, _, stages) in [("hybrid", results["hybrid"]), ("related papers", related)]:
        print("")
        print(f"{label + ' by stage, ms':<24} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}")
        for name in STAGES:
            if any(stages[name]):
                print(f"  {name:<22} {ms(stages[name])}")
    print("")
    print(feedback_share(results["hybrid"][2]))
    print("")
    print(
        "The query is embedded on another thread while exact lookups and the keyword search run,"
        " and related papers' vector search beside their keyword search; a 'wait' row is what is"
        " left of that work when the keyword search is done."
    )


def feedback_share(stages: dict[str, list[float]]) -> str:
    """What pseudo-relevance feedback (the second vector search) costs beside the first."""
    ran = [i for i, t in enumerate(stages["feedback"]) if t > 0]
    if not ran:
        return "feedback:      ran for none of the hybrid queries"
    feedback = [stages["feedback"][i] for i in ran]
    first = [stages["vector search"][i] for i in ran]
    share = sum(feedback) / (sum(feedback) + sum(first))
    return (
        f"feedback:      ran for {len(ran)} of {len(stages['feedback'])} hybrid queries; there, "
        f"p50/p95/p99/mean ms {ms(feedback).strip()} against the first vector search's {ms(first).strip()}: "
        f"{share:.0%} of the vector stage (vector search + feedback)"
    )


def graph_recall(texts: list[str]) -> str | None:
    """How many of the exact 10 and 100 nearest the graph finds, for real query vectors."""
    backend = get_backend()
    if backend.name == "local":
        store = backend.live.vectors
        if store.graph is None:
            return None
        exact_of = lambda v: vector_files._exact(store.base_ids, store.base, v, 100, None, None)  # noqa: E731
        graph_of = store.search
    else:
        if not uses_graph(backend, backend.state().documents):
            return None
        exact_of = pg_exact
        graph_of = lambda v, k: backend.dense(v, None, k)  # noqa: E731
    embedder = get_embedder()
    hits10 = hits100 = 0
    for text in texts:
        vector = embedder.encode_query(text)
        exact = exact_of(vector)
        found = {pk for pk, _ in graph_of(vector, 100)}
        hits10 += len({pk for pk, _ in exact[:10]} & {pk for pk, _ in graph_of(vector, 10)})
        hits100 += len({pk for pk, _ in exact} & found)
    return (
        f"recall@10 {hits10 / (10 * len(texts)):.3f}, recall@100 {hits100 / (100 * len(texts)):.3f} "
        f"(graph against exact search, {len(texts)} real query vectors)"
    )


def pg_exact(vector: np.ndarray, limit: int = 100) -> list[tuple[int, float]]:
    """The exact nearest rows on PostgreSQL: the same query with the HNSW index turned off."""
    from django.db import connection, transaction

    literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"SELECT paper_id, 1 - (embedding <=> %s::vector) FROM {PG_DOCS} WHERE embedding IS NOT NULL"
            " ORDER BY embedding <=> %s::vector LIMIT %s",
            [literal, literal, limit],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


if __name__ == "__main__":
    main(sys.argv[1:])
