"""Files in: regular files read with bounds, strict JSON loading, and the field checks shared
by the catalogs and configs (each error names file, entry and field).
"""

import json
import os
import stat
from fractions import Fraction

from sizer.display import _plain, _sci
from sizer.numbers import InputError, MAX_INPUT, MIN_POSITIVE, _json_decimal
from sizer.vocab import CATALOG_TEXT, HERE, Join, T


def _reject_constant(name):
    raise InputError("err.json_constant", name=name)


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise InputError("err.json_duplicate_key", key=key)
        result[key] = value
    return result


# Catalogs and configs are small (a config.json is a few KB, a safetensors index a
# few MB); anything larger is the wrong file, and reading it whole would be slow.
MAX_JSON_FILE_BYTES = 16 * 2 ** 20


def read_regular_file(path, limit=MAX_JSON_FILE_BYTES):
    """The bytes of a regular file of at most `limit` bytes; FIFOs and devices are refused.

    Opened non-blocking so that a FIFO cannot make the open itself wait for a writer. A path
    inside the zip archive the package runs from is package data, read with pkgutil.
    """
    packed = _packaged_data(path)
    if packed is not None:
        return packed
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as error:
        raise InputError("err.file_unreadable", path=path, reason=_os_reason(error))
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("err.file_not_regular", path=path)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            chunks.append(chunk)
        raise InputError("err.file_too_large", path=path, limit_mib=limit // 2 ** 20)
    except OSError as error:
        raise InputError("err.file_unreadable", path=path, reason=_os_reason(error))
    finally:
        os.close(handle)


def _packaged_data(path):
    """The bytes of a file inside the zip archive the package runs from (HERE is then the archive),
    or None for any other path."""
    if not os.path.isfile(HERE) or not path.startswith(HERE + os.sep):
        return None
    import pkgutil
    resource = os.path.relpath(path, os.path.join(HERE, "sizer")).replace(os.sep, "/")
    try:
        return pkgutil.get_data("sizer", resource)
    except OSError as error:
        raise InputError("err.file_unreadable", path=path, reason=_os_reason(error))


def _os_reason(error):
    return getattr(error, "strerror", None) or str(error)


def load_json_file(path, allow_constants=False):
    """Read a JSON file with exact decimals (Fraction); errors name file and line:column."""
    return parse_json_bytes(read_regular_file(path), path, allow_constants)


def parse_json_bytes(raw, path, allow_constants=False):
    """JSON bytes (a file's, or a download's before it is stored) with exact decimals; errors name `path`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("err.file_not_utf8", path=path)
    try:
        return json.loads(
            text, parse_float=_json_decimal, object_pairs_hook=_no_duplicate_keys,
            parse_constant=(lambda name: float(name)) if allow_constants else _reject_constant)
    except InputError as error:
        raise InputError("err.json_invalid", path=path, reason=error.text)
    except json.JSONDecodeError as error:
        raise InputError("err.json_syntax", path=path, line=error.lineno, column=error.colno,
                         reason=error.msg)
    except RecursionError:
        raise InputError("err.json_invalid", path=path, reason=T("err.json_too_deep"))
    except ValueError as error:
        raise InputError("err.json_invalid", path=path, reason=str(error))


# Field checks shared by the catalogs and configs. Each error names file, entry and field.

def _where(path, entry, field):
    return T("err.where", path=path, entry=entry, field=field)


def _is_number(value):
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


def require_positive_int(data, field, path, entry, default=None):
    value = data.get(field, default)
    if value is None:
        raise InputError("err.field_missing", where=_where(path, entry, field))
    if isinstance(value, Fraction) and value.denominator == 1 and value > 0:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > MAX_INPUT:
        raise InputError("err.field_positive_int", where=_where(path, entry, field), value=_json_repr(value))
    return value


def optional_positive_int(data, field, path, entry):
    return None if data.get(field) is None else require_positive_int(data, field, path, entry)


def optional_count(data, field, path, entry):
    """A whole number >= 0, or None when absent (0 is a real value: none of a thing)."""
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, Fraction) and value.denominator == 1 and value >= 0:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_INPUT:
        raise InputError("err.field_non_negative_int", where=_where(path, entry, field), value=_json_repr(value))
    return value


def require_positive_number(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None:
        if optional:
            return None
        raise InputError("err.field_missing", where=_where(path, entry, field))
    if not _is_number(value) or value < MIN_POSITIVE or value > MAX_INPUT:
        raise InputError("err.field_positive_number", where=_where(path, entry, field),
                         value=_json_repr(value))
    return Fraction(value)


def require_text(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError("err.field_text", where=_where(path, entry, field))
    return value


def require_one_of(data, field, path, entry, choices):
    """An optional text field that must be one of `choices`."""
    value = data.get(field)
    if value is not None and (not isinstance(value, str) or value not in choices):
        raise InputError("err.one_of", where=_where(path, entry, field), choices=Join(tuple(choices)))
    return value


def is_date_text(text):
    """A date as catalogs write when a figure was read or published: 2026-09 or 2026-09-20 (ASCII digits)."""
    parts = text.split("-")
    if len(parts) not in (2, 3) or not all(part.isascii() and part.isdigit() for part in parts):
        return False
    widths_ok = len(parts[0]) == 4 and all(len(part) == 2 for part in parts[1:])
    return widths_ok and 1 <= int(parts[1]) <= 12 and (len(parts) == 2 or 1 <= int(parts[2]) <= 31)


def require_date(data, field, path, entry):
    """An optional date, YYYY-MM or YYYY-MM-DD."""
    value = data.get(field)
    if value is not None and (not isinstance(value, str) or not is_date_text(value)):
        raise InputError("err.field_date", where=_where(path, entry, field), value=_json_repr(value))
    return value


def refuse_unknown_fields(data, known, path, entry):
    """A field no one reads is a typo or a wrong file: refused by name (keys starting with _ are comments)."""
    for field in data:
        if field not in known and not field.startswith("_"):
            raise InputError("err.unknown_field", where=_where(path, entry, field),
                             fields=Join(tuple(sorted(known))))


def _json_repr(value):
    """A JSON value as the user wrote it, for an error message."""
    if isinstance(value, Fraction):
        return _plain(value) if value == 0 or abs(value) >= Fraction(1, 10 ** 6) else _sci(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def load_catalog(path, kind):
    data = load_json_file(path)
    if not isinstance(data, dict) or not data:
        raise InputError("err.catalog_not_object", path=path, kind=T(CATALOG_TEXT[kind]))
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise InputError("err.entry_not_object", path=path, entry=name)
    return data


def resolve_name(names, requested, option, path):
    """The catalog name `requested` means: exact, else the one name equal to it case aside; an
    unknown name is an error that lists the closest names first (difflib's ratio)."""
    if requested in names:
        return requested
    folded = [name for name in names if name.lower() == requested.lower()]
    if len(folded) == 1:
        return folded[0]
    import difflib      # only to word an error
    close = difflib.get_close_matches(requested.lower(), [name.lower() for name in names], n=3, cutoff=0.6)
    by_folded = {name.lower(): name for name in names}
    suggestion = (T("err.did_you_mean", names=Join(tuple("'%s'" % by_folded[c] for c in close)))
                  if close else "")
    raise InputError("err.unknown_name", option=option, name=requested, path=path, suggestion=suggestion,
                     names=Join(tuple(sorted(names))))


def pick_entry(catalog, name, option, path):
    return catalog[resolve_name(catalog, name, option, path)]
