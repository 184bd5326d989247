"""Files out: every output written whole or not at all (a temporary beside it, then a rename),
never over an input; devices and FIFOs are written into.
"""

import os
import stat

from sizer.inputs import _os_reason
from sizer.numbers import InputError
from sizer.vocab import T


def check_output_paths(paths, input_paths):
    """Refuse before writing anything if an output file cannot be written or is an input."""
    seen = set()
    inputs = {os.path.realpath(path): option for option, path in input_paths if path}
    for option, path in paths:
        if not path:
            raise InputError("err.output_empty", option=option)
        real = os.path.realpath(path)
        if real in seen:
            raise InputError("err.output_twice", option=option)
        seen.add(real)
        for input_real, input_option in inputs.items():
            if real == input_real or _same_file(real, input_real):
                raise InputError("err.output_is_input", option=option, path=path, input_option=input_option)
        if not _is_regular_or_absent(path):       # /dev/null, /dev/stdout, a FIFO: written into
            if not os.access(path, os.W_OK):
                raise InputError("err.output_permission", option=option, path=path)
            continue
        folder = os.path.dirname(real)
        if os.path.isdir(real):
            raise InputError("err.output_directory", option=option, path=path)
        if not os.path.isdir(folder):
            raise InputError("err.output_no_folder", option=option, path=path)
        if not os.access(folder, os.W_OK) or (os.path.exists(real) and not os.access(real, os.W_OK)):
            raise InputError("err.output_permission", option=option, path=path)


def _same_file(first, second):
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _is_regular_or_absent(path):
    """True for a regular file or a path where nothing exists yet (a directory is checked apart)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def write_files_atomically(contents):
    """Write every (option, path, text).

    Regular files (and new ones) go to a temporary file beside them and are renamed
    over the target only when every output is ready, so an existing file is either
    replaced whole or left as it was. A target that exists and is not a regular file
    (/dev/null, /dev/stdout, a FIFO, a character device) is written into, as a shell
    redirection would: it is never replaced by a regular file.
    """
    staged = []
    option = path = None
    try:
        for option, path, text in contents:
            if _is_regular_or_absent(path):
                real = os.path.realpath(path)
                staged.append((real, _stage(real, _encoded(text))))
        for option, path, text in contents:
            if not _is_regular_or_absent(path):
                _write_into(path, _encoded(text))
        for real, temporary in staged:
            os.replace(temporary, real)
        staged = []
    except OSError as error:
        reason = T("err.fifo_no_reader") if isinstance(error, _NoReader) else _os_reason(error)
        raise InputError("err.output_write", option=option, path=path, reason=reason)
    finally:
        for _, temporary in staged:
            _remove_quietly(temporary)


def _encoded(text):
    return text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")


def _stage(real, data):
    """A temporary file beside `real`, holding `data`, with the target's mode.

    The name is short (not derived from the target's) so that any valid file name
    still has a valid temporary name next to it.
    """
    import tempfile
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".sizing-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = 0o666 & ~_umask()
        if os.path.exists(real):
            mode = os.stat(real).st_mode & 0o7777
        os.chmod(temporary, mode)
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


class _NoReader(OSError):
    """A FIFO output that nobody reads (ENXIO on a non-blocking open)."""


def _write_into(path, data):
    """Write into an existing non-regular file; a FIFO with no reader is an error, not a hang."""
    import errno
    try:
        handle = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise _NoReader(error.errno, "")
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass
