"""Where a logdir lives: a local directory or an fsspec URL (s3://, gs://, memory://, ...).

Both backends answer the same few questions: which event files exist under the root (with
their sizes, so readers fetch only appended bytes), and the bytes of a file range. Local paths
use ``os.scandir`` (one ``stat`` per entry, no fsspec overhead); URLs use ``fs.find`` with
the listing cache dropped first, since a live logdir changes between polls.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field

EVENT_FILE_MARK = "tfevents"
PROJECTOR_CONFIG = "projector_config.pbtxt"
# torch.profiler / Chrome traces, and TensorFlow profiler XSpaces
TRACE_SUFFIXES = (".trace.json", ".trace.json.gz", ".xplane.pb")
# TensorFlow writes <run>/plugins/profile/<session>/<host>.xplane.pb: the run is <run>
_PROFILE_SESSION = re.compile(r"(^|/)plugins/profile/[^/]+$")


@dataclass(frozen=True)
class FileInfo:
    path: str
    size: int


@dataclass
class Listing:
    """One walk of the logdir. Runs are directories relative to the root, "." for the root."""

    event_files: dict[str, list[FileInfo]] = field(default_factory=dict)
    projector_configs: dict[str, FileInfo] = field(default_factory=dict)  # run -> its config
    trace_files: dict[str, list[FileInfo]] = field(default_factory=dict)  # run -> profiler traces
    errors: list[str] = field(default_factory=list)
    # every directory found (as run names): a run whose files were deleted lives while its
    # directory does
    dirs: set[str] = field(default_factory=set)


def is_event_file(name: str) -> bool:
    return EVENT_FILE_MARK in name


def is_trace_file(name: str) -> bool:
    return name.endswith(TRACE_SUFFIXES)


def _wanted(name: str) -> bool:
    return is_event_file(name) or name == PROJECTOR_CONFIG or is_trace_file(name)


def _add(listing: Listing, run: str, name: str, path: str, size: int) -> None:
    if is_event_file(name):
        listing.event_files.setdefault(run, []).append(FileInfo(path, size))
    elif name == PROJECTOR_CONFIG:
        listing.projector_configs[run] = FileInfo(path, size)
    elif is_trace_file(name):
        run = _PROFILE_SESSION.sub("", run) or "."
        listing.trace_files.setdefault(run, []).append(FileInfo(path, size))


def _sorted(listing: Listing) -> Listing:
    # event files carry their creation time in the name, so name order is write order
    for files in listing.event_files.values():
        files.sort(key=lambda f: posixpath.basename(f.path.replace(os.sep, "/")))
    return listing


def _check_root(url: str, is_dir: bool, exists: bool) -> None:
    if not exists:
        raise FileNotFoundError(f"logdir {url!r} does not exist")
    if not is_dir:
        raise NotADirectoryError(
            f"logdir {url!r} is not a directory (give the folder holding the event files)"
        )


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = os.path.abspath(os.fspath(root))
        self.url = self.root

    def check(self) -> None:
        _check_root(
            self.url, os.path.exists(self.root) and os.path.isdir(self.root), os.path.exists(self.root)
        )

    def list(self) -> Listing:
        listing = Listing()
        stack = [(self.root, ".")]
        seen: set[tuple[int, int]] = set()  # (device, inode) of directories walked
        while stack:
            directory, run = stack.pop()
            try:
                entries = list(os.scandir(directory))
                # symlinked run directories are followed (as TensorBoard does); a link back
                # to a directory already walked (a loop, or the same folder twice) is not
                status = os.stat(directory)
            except OSError as error:
                if run == ".":  # the logdir itself is gone or unreadable: nothing to compare
                    raise
                listing.errors.append(f"cannot list {directory}: {error.strerror or error}")
                continue
            if (status.st_dev, status.st_ino) in seen:
                listing.errors.append(f"{directory}: a symlink to a directory read already; not followed")
                continue
            seen.add((status.st_dev, status.st_ino))
            listing.dirs.add(run)
            for entry in entries:
                try:
                    if entry.is_dir():
                        stack.append((entry.path, entry.name if run == "." else f"{run}/{entry.name}"))
                    elif _wanted(entry.name):
                        _add(listing, run, entry.name, entry.path, entry.stat().st_size)
                except OSError as error:
                    listing.errors.append(f"cannot stat {entry.path}: {error.strerror or error}")
        return _sorted(listing)

    def read(self, path: str, start: int, length: int, prefix: bytes = b"", scratch=None):
        """``prefix`` + up to ``length`` bytes from ``start``, read straight into one buffer
        (``scratch``, a bytearray the caller reuses across reads, when it is large enough)."""
        need = len(prefix) + length
        buf = scratch if scratch is not None and len(scratch) >= need else bytearray(need)
        view = memoryview(buf)
        view[: len(prefix)] = prefix
        with open(path, "rb", buffering=0) as f:
            f.seek(start)
            got = f.readinto(view[len(prefix) : need])
        return view[: len(prefix) + got]

    def read_all(self, path: str) -> bytes:
        with open(path, "rb") as f:
            return f.read()

    def join(self, directory: str, name: str) -> str:
        return os.path.join(directory, name)

    def dirname(self, path: str) -> str:
        return os.path.dirname(path)

    def run_dir(self, run: str) -> str:
        return self.root if run == "." else os.path.join(self.root, *run.split("/"))


class FsspecStorage:
    def __init__(self, url: str, **storage_options):
        import fsspec

        self.url = url
        self.fs, root = fsspec.core.url_to_fs(url, **storage_options)
        self.root = root.rstrip("/")

    def check(self) -> None:
        self.fs.invalidate_cache()
        try:
            info = self.fs.info(self.root)
        except FileNotFoundError:
            info = None
        except PermissionError:
            raise
        except Exception as error:  # endpoint down, DNS, TLS...: not the same as "not there"
            cause = f"{type(error).__name__}: {error}"
            raise ConnectionError(f"logdir {self.url!r} cannot be reached ({cause})") from error
        _check_root(self.url, info is not None and info.get("type") == "directory", info is not None)

    def list(self) -> Listing:
        listing = Listing()
        self.fs.invalidate_cache()
        found = self.fs.find(self.root, detail=True, withdirs=False)
        prefix = self.root + "/"
        for path, info in found.items():
            path = path.rstrip("/")
            if not path.startswith(prefix):
                continue
            directory, name = posixpath.split(path[len(prefix) :])
            _add(listing, directory or ".", name, path, int(info.get("size") or 0))
            while directory:  # object stores have no empty folders: a folder is its objects' prefix
                listing.dirs.add(directory)
                directory = posixpath.dirname(directory)
        listing.dirs.add(".")
        return _sorted(listing)

    def read(self, path: str, start: int, length: int, prefix: bytes = b"", scratch=None):
        data = self.fs.cat_file(path, start=start, end=start + length)
        return prefix + data if prefix else data

    def read_all(self, path: str) -> bytes:
        return self.fs.cat_file(path)

    def join(self, directory: str, name: str) -> str:
        return posixpath.join(directory, name)

    def dirname(self, path: str) -> str:
        return posixpath.dirname(path)

    def run_dir(self, run: str) -> str:
        return self.root if run == "." else posixpath.join(self.root, run)


def open_storage(logdir, **storage_options):
    """A storage for a local path or any fsspec URL ("s3://bucket/runs")."""
    text = os.fspath(logdir)
    if "://" in text and not text.startswith("file://"):
        return FsspecStorage(text, **storage_options)
    if text.startswith("file://"):
        text = text[len("file://") :]
    return LocalStorage(os.path.expanduser(text))
