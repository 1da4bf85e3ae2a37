"""Reading every relevant file once: parse, extract facts, cache them by content hash.

Per-file work is independent, so a cold run spreads it over a process pool; a warm run only
reads and hashes files and takes the facts from the cache (one pickle per analysed project, in a
folder that is safe to delete). Cache entries are keyed by file content, module name and the
analyzer's own source, so editing a collector invalidates them. Each entry holds one file's facts
pickled where they were extracted: a worker ships them to the parent in that form anyway, so
saving the cache writes bytes instead of pickling every fact a second time.
"""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzer.collectors import collectors
from analyzer.facts import FileFacts, ParsedModule
from analyzer.source import SourceError, parse
from analyzer.version import analyzer_fingerprint

# Below this much source to parse, starting worker processes costs more than it saves (the
# serial pass reads about 5 MB a second; forking a worker and shipping facts back ~20 ms).
POOL_MIN_BYTES = 512 * 1024
_RELEVANT_EXTERNAL = (b"Model", b"Field", b"Manager", b"AppConfig", b"ForeignKey")


@dataclass(frozen=True)
class SourceFile:
    """A file to read: its module name, whether it is a package, and whose code it is."""

    module: str
    path: Path
    is_package: bool
    own: bool


@cache
def extract(data: bytes, module: str, is_package: bool, filename: str,
            own: bool = True) -> FileFacts:
    """The collectors' facts for one file (all of them for the project's own files, those
    resolution reads everywhere for the others); a file that cannot be read yields its
    problem."""
    if not data.strip():
        return FileFacts(module)
    try:
        tree, fallback, text = parse(data, filename)
    except SourceError as exc:
        return FileFacts(module, problems=((exc.code, exc.message, exc.line or 1),))
    parsed = ParsedModule(tree, module, is_package, own, text)
    facts = []
    for item in collectors():
        if item.own_only and not own:
            continue
        try:
            facts.append((item.name, item.extract(parsed)))
        except RecursionError:
            return FileFacts(module, problems=(("unparsable", "too deeply nested to analyse",
                                                1),))
    problems = (("newer-syntax", "parsed with libcst's newer grammar (syntax newer than this "
                 "Python)", 1),) if fallback else ()
    return FileFacts(module, tuple(facts), problems)


def wanted(source: SourceFile, data: bytes) -> bool:
    """Byte-level prefilter: external files matter only if they may define models or fields."""
    return source.own or (b"class " in data and any(k in data for k in _RELEVANT_EXTERNAL))


class FactCache:
    """Pickled facts by key, loaded from and saved to one file per analysed project."""

    def __init__(self, directory: Path | None, project_key: str):
        self.path = (directory / f"{project_key}-{analyzer_fingerprint()}.pickle"
                     if directory else None)
        self.entries: dict[str, bytes] = {}
        self.ahead: dict[str, tuple[FileFacts, bytes]] = {}  # see read_ahead
        self.used: set[str] = set()
        self.dirty = False
        if self.path is not None and self.path.is_file():
            try:
                with self.path.open("rb") as handle:
                    self.entries = pickle.load(handle)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                self.entries = {}

    def get(self, key: str) -> FileFacts | None:
        found = self.entries.get(key)
        if found is None:
            return None
        self.used.add(key)
        return pickle.loads(found)

    def put(self, key: str, pickled: bytes) -> None:
        """Store facts as :func:`extract_pickled` returns them."""
        self.entries[key] = pickled
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Keep only entries used in this run; written atomically (temp file + rename)."""
        if self.path is None or not (self.dirty or len(self.used) != len(self.entries)):
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.path)
        except OSError:
            tmp.unlink(missing_ok=True)


def cache_key(data: bytes, source: SourceFile) -> str:
    digest = hashlib.sha1(data)
    digest.update(f"\0{source.module}\0{source.is_package}\0{source.own}".encode())
    return digest.hexdigest()


def read_all(sources: Iterable[SourceFile], cache_: FactCache, jobs: int,
             progress: Callable[[int], None] | None = None) -> dict[str, FileFacts]:
    """Facts for every wanted source file, from the cache or parsed (in a pool if many)."""
    results: dict[str, FileFacts] = {}
    todo: list[tuple[str, SourceFile, bytes]] = []
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            results[source.module] = FileFacts(source.module, problems=(
                ("unreadable", exc.strerror or str(exc), 1),))
            continue
        if not wanted(source, data):
            continue
        key = cache_key(data, source)
        found = cache_.get(key)
        if found is not None:
            results[source.module] = found
            if progress:
                progress(1)
        else:
            todo.append((key, source, data))
    for key, facts, pickled in _extract_many(todo, jobs, progress):
        cache_.put(key, pickled)
        results[facts.module] = facts
    return results


def read_one(source: SourceFile, data: bytes, cache_: FactCache) -> FileFacts:
    """One file's facts, from the cache or extracted here (and cached)."""
    key = cache_key(data, source)
    found = cache_.get(key)
    if found is not None:
        return found
    ahead = cache_.ahead.pop(key, None)
    facts, pickled = ahead if ahead is not None else extract_pickled(
        data, source.module, source.is_package, str(source.path), source.own)
    cache_.put(key, pickled)
    return facts


def read_ahead(sources: Iterable[SourceFile], cache_: FactCache, jobs: int) -> None:
    """Extract in the pool, before they are asked for, files that ``read_one`` will probably
    be asked for one by one. They wait in ``cache_.ahead`` and enter the cache only when
    ``read_one`` takes them, so the run's facts and cache are the same as without this.
    Serially there is nothing to gain, so only a pool reads ahead."""
    if jobs <= 1:
        return
    todo: dict[str, tuple[str, SourceFile, bytes]] = {}
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError:
            continue
        key = cache_key(data, source)
        if key not in cache_.entries and key not in cache_.ahead:
            todo[key] = (key, source, data)
    if sum(len(data) for _, _, data in todo.values()) < POOL_MIN_BYTES:
        return
    for key, facts, pickled in _extract_many(list(todo.values()), jobs, None):
        cache_.ahead[key] = (facts, pickled)


def extract_pickled(data: bytes, module: str, is_package: bool, filename: str,
                    own: bool) -> tuple[FileFacts, bytes]:
    """:func:`extract`, plus the pickled form the cache stores (and a worker sends back)."""
    facts = extract(data, module, is_package, filename, own)
    return facts, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)


def _extract_many(todo: list[tuple[str, SourceFile, bytes]], jobs: int,
                  progress: Callable[[int], None] | None,
                  ) -> Iterable[tuple[str, FileFacts, bytes]]:
    """(key, facts, pickled facts) per file; a worker sends the pickled form only."""
    work = [(key, data, s.module, s.is_package, str(s.path), s.own) for key, s, data in todo]
    if jobs <= 1 or sum(len(item[1]) for item in work) < POOL_MIN_BYTES:
        for key, data, module, is_package, path, own in work:
            yield key, *extract_pickled(data, module, is_package, path, own)
            if progress:
                progress(1)
        return
    work.sort(key=lambda item: -len(item[1]))  # big files first: even finish across workers
    chunks = [work[i::jobs * 8] for i in range(jobs * 8)]
    # The parent is one of the ``jobs`` processes: it takes, from the end, the chunks no
    # worker has started (its own facts need no unpickling). Workers are short-lived and
    # build only acyclic trees: no cycle collection there either (a forked worker inherits
    # the paused collector; spawned ones are told).
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs - 1,
                                                initializer=gc.disable) as pool:
        futures = [pool.submit(_extract_chunk, chunk) for chunk in chunks]
        for future, chunk in zip(reversed(futures), reversed(chunks), strict=True):
            if not future.cancel():
                break  # this one and all before it are a worker's
            for key, data, module, is_package, path, own in chunk:
                yield key, *extract_pickled(data, module, is_package, path, own)
            if progress:
                progress(len(chunk))
        for future in futures:
            if not future.cancelled():
                done = future.result()
                yield from ((key, pickle.loads(pickled), pickled) for key, pickled in done)
                if progress:
                    progress(len(done))


_Work = tuple[str, bytes, str, bool, str, bool]  # key, then extract()'s arguments


def _extract_chunk(items: list[_Work]) -> list[tuple[str, bytes]]:
    return [(key, extract_pickled(data, module, is_package, path, own)[1])
            for key, data, module, is_package, path, own in items]
