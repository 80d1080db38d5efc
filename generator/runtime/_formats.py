"""Format checkers for compiled validators, matching ``jsonschema``'s Draft 2020-12 checker.

A compiled validator asserts ``format`` exactly where
``Draft202012Validator.FORMAT_CHECKER`` would: the stdlib-backed formats always, the others
only when the same optional package ``jsonschema`` relies on is importable (the
``format-nongpl`` extras). Each checker here mirrors one in ``jsonschema/_format.py``, including
which exceptions count as "does not conform", so both libraries give one verdict. Checkers take
strings only: every ``jsonschema`` format checker accepts non-strings.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
import sys
from collections.abc import Callable
from datetime import date
from functools import cache
from uuid import UUID

__all__ = ["FAST_PATHS", "FORMATS", "format_checker", "format_fast_path"]

# Every format name Draft 2020-12's checker knows; anything else is an annotation.
FORMATS = frozenset(
    {
        "date",
        "date-time",
        "duration",
        "email",
        "hostname",
        "idn-email",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "iri",
        "iri-reference",
        "json-pointer",
        "regex",
        "relative-json-pointer",
        "time",
        "uri",
        "uri-reference",
        "uri-template",
        "uuid",
    }
)

# Formats with a cheap expression accepting a subset of their valid strings.
FAST_PATHS = frozenset({"uri", "uri-reference"})
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# A strict subset of RFC 3986's URI grammar (scheme "://" reg-name [port] path [query]
# [fragment], no percent-escapes) that matches the everyday URI in well under a microsecond.
# rfc3986-validator's full expression costs several microseconds, so it only runs when this
# one does not match; every string matched here also matches the full grammar.
_PCHAR = "-a-zA-Z0-9_.~!$&'()*+,;=:@"
# Every class excludes the character that ends it, so possessive repeats (Python 3.11+, no
# backtracking bookkeeping) accept exactly what greedy ones would.
_REPEAT = "*+" if sys.version_info >= (3, 11) else "*"
_OPTIONAL = "?+" if sys.version_info >= (3, 11) else "?"
_FAST_URI = re.compile(
    rf"[a-zA-Z][a-zA-Z0-9+.-]{_REPEAT}://[a-zA-Z0-9_.~!$&'()*+,;=-]{_REPEAT}"
    rf"(?::[0-9]{_REPEAT}){_OPTIONAL}(?:/[{_PCHAR}/]{_REPEAT}){_OPTIONAL}"
    rf"(?:\?[{_PCHAR}/?]{_REPEAT}){_OPTIONAL}(?:#[{_PCHAR}/?]{_REPEAT}){_OPTIONAL}"
)
Checker = Callable[[str], bool]


def _always(value: str) -> bool:
    return True


def _email(value: str) -> bool:
    return "@" in value


def _ipv4(value: str) -> bool:
    try:
        return bool(ipaddress.IPv4Address(value))
    except ipaddress.AddressValueError:
        return False


def _ipv6(value: str) -> bool:
    try:
        address = ipaddress.IPv6Address(value)
    except ipaddress.AddressValueError:
        return False
    return not getattr(address, "scope_id", "")


def _regex(value: str) -> bool:
    # jsonschema judges the "regex" format with Python's own engine; so do we.
    try:
        return bool(re.compile(value))
    except re.error:
        return False


def _date(value: str) -> bool:
    try:
        return bool(_RE_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


def _uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return all(value[position] == "-" for position in (8, 13, 18, 23))


def _optional(name: str) -> Checker | None:
    """The checker that needs an optional package, or None when it is not installed."""
    if name in ("uri", "uri-reference"):
        # Only look the package up here: importing it costs ~20 ms, paid on the first URI the
        # fast expression cannot vouch for, not when a generated module is imported.
        if importlib.util.find_spec("rfc3986_validator") is None:
            return None
        rule = "URI" if name == "uri" else "URI_reference"

        def _uri(value: str) -> bool:
            if _FAST_URI.fullmatch(value) is not None:
                return True
            from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped,unused-ignore]

            try:
                return bool(validate_rfc3986(value, rule=rule))
            except ValueError:
                return False

        return _uri
    if name in ("iri", "iri-reference"):
        try:
            from rfc3987_syntax import is_valid_syntax  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            return None
        rule = "iri" if name == "iri" else "iri_reference"

        def _iri(value: str) -> bool:
            try:
                return bool(is_valid_syntax(rule, value))
            except ValueError:
                return False

        return _iri
    if name in ("date-time", "time"):
        try:
            from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            return None
        if name == "date-time":
            return lambda value: bool(validate_rfc3339(value.upper()))
        return lambda value: bool(validate_rfc3339(("1970-01-01T" + value).upper()))
    return _optional_more(name)


def _optional_more(name: str) -> Checker | None:
    if name == "hostname":
        try:
            from fqdn import FQDN
        except ImportError:
            return None

        def _hostname(value: str) -> bool:
            try:
                return bool(FQDN(value, min_labels=1).is_valid)
            except ValueError:
                return False

        return _hostname
    if name == "idn-hostname":
        try:
            import idna
        except ImportError:
            return None

        def _idn_hostname(value: str) -> bool:
            try:
                idna.encode(value)
            except (idna.IDNAError, UnicodeError):
                return False
            return True

        return _idn_hostname
    if name in ("json-pointer", "relative-json-pointer"):
        if importlib.util.find_spec("jsonpointer") is None:
            return None
        return _json_pointer if name == "json-pointer" else _relative_json_pointer
    if name == "uri-template":
        try:
            import uri_template
        except ImportError:
            return None
        return lambda value: bool(uri_template.validate(value))
    if name == "duration":
        try:
            import isoduration  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            return None

        def _duration(value: str) -> bool:
            try:
                isoduration.parse_duration(value)
            except isoduration.DurationParsingException:
                return False
            return value.endswith(tuple("DMYWHMS"))

        return _duration
    return None


def _json_pointer(value: str) -> bool:
    import jsonpointer

    try:
        return bool(jsonpointer.JsonPointer(value))
    except jsonpointer.JsonPointerException:
        return False


def _relative_json_pointer(value: str) -> bool:
    # A transcription of jsonschema's is_relative_json_pointer, quirks included.
    import jsonpointer

    try:
        if not value:
            return False
        digits: list[str] = []
        rest = ""
        for index, character in enumerate(value):
            if character.isdigit():
                if index > 0 and int(value[index - 1]) == 0:
                    return False
                digits.append(character)
                continue
            if not digits:
                return False
            rest = value[index:]
            break
        return (rest == "#") or bool(jsonpointer.JsonPointer(rest))
    except jsonpointer.JsonPointerException:
        return False


_BUILTIN: dict[str, Checker] = {
    "date": _date,
    "email": _email,
    "idn-email": _email,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "regex": _regex,
    "uuid": _uuid,
}


@cache
def format_checker(name: str) -> Checker:
    """The checker for ``name``; one that accepts everything when jsonschema would not assert it."""
    checker = _BUILTIN.get(name) or _optional(name)
    return checker if checker is not None else _always


def format_fast_path(name: str) -> re.Pattern[str]:
    """An expression that fully matches only strings ``format_checker(name)`` accepts.

    Compiled code tries it before calling the checker, saving a call for the common case.
    Only for names in ``FAST_PATHS`` (every URI is also a URI reference).
    """
    if name not in FAST_PATHS:
        raise ValueError(f"no fast path for format {name!r}")
    return _FAST_URI
