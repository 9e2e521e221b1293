"""One event file on object storage (``s3://``, ``gs://``, ``memory://``, any fsspec URL), in pieces.

Object stores cannot append, and re-uploading a growing object costs its whole size on every
flush. So the bytes a local writer would append to ``<base>`` go out as immutable objects ::

    <dir>/<base>.000000<suffix>     the header (file_version, purge STARTs), uploaded at open
    <dir>/<base>.000001<suffix>     everything written up to the next upload
    ...

where ``<base>`` is TensorBoard's ``events.out.tfevents.<time>.<host>.<pid>.<n>``. Pieces are
cut at record boundaries, so each is a valid event file and their concatenation is byte for
byte the file a local writer makes. The piece number is zero-padded, so name order is write
order: TensorBoard's DirectoryWatcher reads a run's files in lexicographic order and moves to
the next name once the current one is exhausted and a greater one exists, and our reader sorts
a run's files by name. Pieces are uploaded one at a time, each completely before the next, so
any listing shows pieces 0..k with no gap, and a finished piece is never written again.

An upload happens when ``PIECE_BYTES`` are pending, at ``flush()`` (a barrier) and on a timer:
pending data waits at most ``flush_secs``, and at first much less (1 s, doubling per piece), so
a new run shows values at once but a long run makes about one object per ``flush_secs``.
Uploads run on the writer's worker thread; the training loop only enqueues.
"""

from __future__ import annotations

import posixpath
import time
import warnings

PIECE_BYTES = 8 << 20  # a single PUT (s3fs switches to multipart only above 100 MB)
FIRST_INTERVAL = 1.0  # seconds pending data waits before the first timed upload
PIECE_DIGITS = 6  # beyond 10**6 pieces a writer starts a fresh base name (later time: sorts after)
_INSTALL = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}


class UploadError(RuntimeError):
    """An upload failed: its bytes stay pending and are retried at the next flush (unless
    the writer is closing: then they are lost, and the message says so)."""

    def __init__(self, url: str, size: int, error: BaseException, lost: bool = False) -> None:
        then = "the writer is closed, so they are lost" if lost else "they stay queued and are retried"
        super().__init__(f"uploading {size:,} bytes to {url} failed: {type(error).__name__}: {error}; {then}")


def is_remote(logdir: str) -> bool:
    """True for an fsspec URL other than the local filesystem (``file://`` writes locally)."""
    return "://" in logdir and not logdir.startswith("file://")


def open_filesystem(url: str, storage_options: dict | None):
    """``(fs, path)`` for ``url``; a missing fsspec backend is named with its pip command."""
    try:
        import fsspec

        return fsspec.core.url_to_fs(url, **(storage_options or {}))
    except ImportError as error:
        protocol = url.split("://", 1)[0]
        package = _INSTALL.get(protocol)
        hint = (
            f"pip install {package}" + (" (or pip install 'jupyter-tb[s3]')" if package == "s3fs" else "")
            if package
            else "pip install fsspec and the fsspec backend for this protocol"
        )
        raise ImportError(
            f"writing to {url!r} needs the {protocol}:// filesystem: {hint} ({error})"
        ) from None


def _cannot_write(url: str, error: BaseException) -> OSError:
    """The error for a logdir URL that fails at open: a missing bucket or a refused key keep
    their type (FileNotFoundError, PermissionError); anything else (endpoint down, DNS, TLS)
    is a ConnectionError, as the reader reports it."""
    kind = type(error) if isinstance(error, OSError) else ConnectionError
    try:
        return kind(f"cannot write to {url}: {type(error).__name__}: {error}")
    except TypeError:  # an OSError subclass with another constructor
        return OSError(f"cannot write to {url}: {type(error).__name__}: {error}")


class PieceUploader:
    """The worker thread's end of a remote event file: ``write`` buffers, uploads cut pieces.

    Not thread safe: only the writer's worker thread calls it (the constructor excepted).
    """

    def __init__(
        self,
        url: str,
        base_name,
        filename_suffix: str = "",
        flush_secs: float = 120,
        storage_options: dict | None = None,
    ) -> None:
        self.fs, directory = open_filesystem(url, storage_options)
        self._directory = directory.rstrip("/")
        self._url_directory = url.rstrip("/")
        self._base_name = base_name  # callable: a fresh base name, as local files are named
        self._suffix = filename_suffix
        try:
            self._base = self._free_base()
        except Exception as error:
            raise _cannot_write(self._url_directory, error) from error
        self._index = 0
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._pending_since: float | None = None  # monotonic time the oldest pending byte came
        self._first_interval = self._interval = min(FIRST_INTERVAL, flush_secs)
        self._max_interval = max(flush_secs, self._interval)
        self._retry_at = 0.0  # after a failed upload, size-triggered ones wait for this time
        # (object path, bytes, seconds the upload took), for tests and diagnostics
        self.uploaded: list[tuple[str, int, float]] = []
        # everything a local writer would append goes to the first piece's name prefix
        self.path = posixpath.join(self._url_directory, self._base)

    def _free_base(self) -> str:
        # another writer in this process (torch's, tensorboardX's) may hold this second's name
        try:
            taken = {posixpath.basename(p.rstrip("/")) for p in self.fs.ls(self._directory, detail=False)}
        except FileNotFoundError:  # a new prefix: nothing there yet
            taken = set()
        while True:
            base = self._base_name()
            if not any(name.startswith(base) for name in taken):
                return base

    def start(self, header: bytes) -> None:
        """Upload the header piece now, so a wrong URL, bucket or credentials fail in the
        constructor (with the error type the filesystem gave: FileNotFoundError...)."""
        self.write(header)
        try:
            self.flush()
        except UploadError as failed:
            raise _cannot_write(self._url_directory, failed.__cause__) from failed.__cause__
        self._interval = self._first_interval  # the first data piece still comes after 1 s

    def piece_name(self, index: int) -> str:
        return f"{self._base}.{index:0{PIECE_DIGITS}d}{self._suffix}"

    # -- the worker's side -----------------------------------------------------------------

    def write(self, data) -> None:
        if not data:
            return
        if self._pending_since is None:
            self._pending_since = time.monotonic()
        self._pending.append(bytes(data))
        self._pending_size += len(data)
        if self._pending_size >= PIECE_BYTES and time.monotonic() >= self._retry_at:
            self.upload_due()

    def due_in(self) -> float | None:
        """Seconds until pending data must be uploaded; None when nothing is pending."""
        if self._pending_since is None:
            return None
        due = max(self._pending_since + self._interval, self._retry_at)
        return max(0.0, due - time.monotonic())

    def upload_due(self) -> None:
        """A timed or size-triggered upload. A failure is only warned about: the bytes stay
        pending and go with the next attempt, and the training loop is not interrupted for
        an outage that may pass (``flush()`` and ``close()`` do raise)."""
        try:
            self.flush()
        except UploadError as error:
            warnings.warn(str(error), RuntimeWarning, stacklevel=1)

    def flush(self) -> None:
        """Upload everything pending as the next piece (raises :class:`UploadError`; the bytes
        then stay pending for the next attempt)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending = [data]
        name = self.piece_name(self._index)
        path = posixpath.join(self._directory, name)
        started = time.monotonic()
        try:
            self.fs.pipe_file(path, data)
        except Exception as error:
            self._retry_at = time.monotonic() + self._interval
            raise UploadError(posixpath.join(self._url_directory, name), len(data), error) from error
        self.uploaded.append((path, len(data), time.monotonic() - started))
        self._pending, self._pending_size, self._pending_since = [], 0, None
        self._interval = min(self._interval * 2, self._max_interval)
        self._retry_at = 0.0
        self._index += 1
        if self._index >= 10**PIECE_DIGITS:
            self._base, self._index = self._free_base(), 0

    def close(self) -> None:
        try:
            self.flush()
        except UploadError as failed:
            url = posixpath.join(self._url_directory, self.piece_name(self._index))
            raise UploadError(url, self._pending_size, failed.__cause__, lost=True) from failed.__cause__
