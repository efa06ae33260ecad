"""Writing a user's file so that nothing is ever lost: one temporary entry, checked, then renamed.

    with StagedFile("run.mp4", suffix=".mp4") as tmp:   # tmp: ./.run.mp4.4711.k3j9x0ab.tmp.mp4
        encode_into(tmp)                                  # anything that writes the path
    # here run.mp4 is complete: every byte written, fsynced, renamed into place

    write_atomic("model.json", text)                     # the same for bytes in memory

The new content is written beside the target (same folder, same file system, so the final
``os.replace`` is atomic) under a hidden temporary name. Every write is checked (a short
write is retried, no progress is ENOSPC), the data is fsynced (a full disk with delayed
allocation reports only there) and only then renamed over the target; on any failure the
temporary entry is removed, the target is untouched and the error is one NnvizError line.

Temporary names carry the writer's pid: ``.NAME.PID.XXXXXXXX.tmp[.ext]``. A process killed
hard (kill -9, power loss) leaves its entry behind; the next staging in that folder removes
every such entry whose pid no longer runs (``sweep_stale``). Entries of live processes,
and names of any other form, are never touched.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from nnviz.engine.errors import NnvizError

#: .NAME.PID.XXXXXXXX.tmp, .tmp.mp4, .tmp.old …: mkstemp's 8 random characters between pid and .tmp
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d{1,10})\.[a-z0-9_]{8}\.tmp(\.[A-Za-z0-9]{1,8})?$")


OLD_SUFFIX = ".tmp.old"  # an existing entry moved aside while its replacement takes its name


def current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it (os.umask() both
    sets and reads it, which another thread creating a file in between would feel)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def pid_is_running(pid: int) -> bool:
    """True unless the process surely does not exist (another user's process counts as running)."""
    if pid <= 0:
        return True  # 0 and negatives name process groups: never ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def sweep_stale(folder: Path) -> list[str]:
    """Remove the temporary entries of dead nnviz processes from ``folder``; their names."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = TEMP_NAME.match(name)
        if name.endswith(OLD_SUFFIX):
            continue  # a user's earlier file set aside: if it is still here, putting it back failed
        if match is None or int(match["pid"]) == os.getpid() or pid_is_running(int(match["pid"])):
            continue
        path = Path(folder) / name
        try:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        except OSError:
            continue  # e.g. another process swept it first
        removed.append(name)
    return removed


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def probe_folder(folder: Path, label: str) -> None:
    """Refuse up front when nothing can be created in ``folder`` (read-only, no permission)."""
    sweep_stale(folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=_temp_prefix(Path("nnviz-probe")), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise NnvizError(f"{label}: cannot write in {folder} ({reason(exc)})") from None
    os.close(fd)
    os.unlink(probe)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """os.write until every byte is out; a write that makes no progress is a full disk."""
    view = memoryview(data).cast("B")
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def write_file(path: Path, data: bytes | memoryview) -> None:
    """Create ``path`` (inside a staged folder) with ``data``, every write and the close checked."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)  # raises too: NFS and some FUSE file systems report a full disk here


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(folder: Path) -> bool:
    """Flush the whole file system holding ``folder`` in one call (Linux syncfs, which reports
    write-back errors since 5.8): one call instead of an fsync per frame (4 ms each on ext4).
    False where it is not available."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            if code == errno.ENOSYS:
                return False
            raise OSError(code, os.strerror(code))
    finally:
        os.close(fd)
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; some systems cannot fsync a folder, which is no error."""
    try:
        _fsync(folder)
    except OSError:
        pass


class StagedFile:
    """A temporary file (or, with ``is_folder``, folder) beside ``target`` that becomes it.

    ``commit()`` fsyncs, gives the usual permissions and renames it over the target;
    ``discard()`` removes it. As a context manager: commit on success, discard on any error.
    Creating one sweeps the folder's stale temporary entries first.
    """

    def __init__(self, target, suffix: str = "", is_folder: bool = False):
        self.target = Path(target)
        self.is_folder = is_folder
        folder = folder_of(self.target)
        sweep_stale(folder)
        prefix, full_suffix = _temp_prefix(self.target), ".tmp" + suffix
        try:
            if is_folder:
                self.path = Path(tempfile.mkdtemp(prefix=prefix, suffix=full_suffix, dir=folder))
            else:
                fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=full_suffix, dir=folder)
                os.close(fd)
                self.path = Path(tmp)
        except OSError as exc:
            raise NnvizError(f"{self.target}: cannot write there ({reason(exc)})") from None

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def discard(self) -> None:
        try:
            shutil.rmtree(self.path) if self.is_folder else self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> Path:
        """Check, fsync and rename into place; on failure: discard, the target untouched, NnvizError."""
        try:
            self._make_durable()
            self._replace()
        except OSError as exc:
            self.discard()
            raise NnvizError(f"{self.target}: cannot write it ({reason(exc)})") from None
        except BaseException:
            self.discard()
            raise
        _fsync_folder(folder_of(self.target))
        return self.target

    def _make_durable(self) -> None:
        umask = current_umask()  # mkstemp/mkdtemp made it private (0600/0700): an ordinary file is not
        if self.is_folder:
            if not _syncfs(self.path):
                for entry in os.scandir(self.path):
                    _fsync(Path(entry.path))
                _fsync_folder(self.path)
            os.chmod(self.path, 0o777 & ~umask)
        else:
            _fsync(self.path)
            os.chmod(self.path, 0o666 & ~umask)

    def _replace(self) -> None:
        """os.replace, except that a folder cannot replace an existing entry in one step: the
        old one is renamed aside first and put back if the new one cannot take its name."""
        if not self.is_folder or not os.path.lexists(self.target):
            os.replace(self.path, self.target)
            return
        old_is_folder = self.target.is_dir() and not self.target.is_symlink()
        make = tempfile.mkdtemp if old_is_folder else tempfile.mkstemp
        made = make(prefix=_temp_prefix(self.target), suffix=OLD_SUFFIX, dir=folder_of(self.target))
        aside = made if old_is_folder else made[1]
        if not old_is_folder:
            os.close(made[0])
        try:
            os.replace(self.target, aside)
        except BaseException:
            shutil.rmtree(aside, ignore_errors=True) if old_is_folder else os.unlink(aside)
            raise
        try:
            os.replace(self.path, self.target)
        except BaseException:  # also Ctrl+C in between: the old entry goes back
            os.replace(aside, self.target)
            raise
        shutil.rmtree(aside, ignore_errors=True) if old_is_folder else os.unlink(aside)


def write_atomic(path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a StagedFile: all or nothing."""
    path = Path(path)
    with StagedFile(path) as tmp:
        try:
            write_file(tmp, data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as exc:
            raise NnvizError(f"{path}: cannot write it ({reason(exc)})") from None
