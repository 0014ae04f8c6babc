"""The Babel catalogues are complete and consistent with the strings marked in the web UI.

Messages are re-extracted here from the templates and labels (same mapping as babel.cfg and the
`pybabel extract` command in src/crossborder/locale/README.md), so a newly marked string that has
not been translated fails the suite, naming the language and the msgid."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from crossborder.core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALE_DIR,
    catalogue_path,
    negotiate,
    translations,
)

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
REQUIRED_LANGUAGES = ("id", "ms", "th", "vi")
# Every language offered in the switcher, except the source language, needs a complete catalogue.
TRANSLATED_LANGUAGES = sorted(set(LANGUAGES) - {DEFAULT_LANGUAGE})
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "gettext": None, "N_": None}
# `jinja2` in babel.cfg names Jinja's extractor; spell it out so the test does not depend on
# entry points being installed.
METHODS = {"jinja2": "jinja2.ext:babel_extract"}
BRACE_FORMAT = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")

MsgKey = tuple[str | tuple[str, ...], str | None]  # (msgid or (singular, plural), context)


@lru_cache(maxsize=1)
def extracted() -> dict[MsgKey, list[str]]:
    """msgid (with context) -> where it is used, as `pybabel extract -F babel.cfg -k N_` sees it."""
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename=str(BABEL_CFG))
    method_map = [(pattern, METHODS.get(method, method)) for pattern, method in method_map]
    found: dict[MsgKey, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((message, context), []).append(f"{filename}:{lineno}")
    return found


@lru_cache(maxsize=8)
def catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


def _describe(key: MsgKey) -> str:
    message, context = key
    text = " / ".join(message) if isinstance(message, tuple) else message
    return f"{text!r}" + (f" (context {context!r})" if context else "")


def test_the_languages_offered_have_catalogues() -> None:
    for language in REQUIRED_LANGUAGES:
        assert language in LANGUAGES, f"{language} is missing from LANGUAGES in crossborder/core/i18n.py"
    for language in TRANSLATED_LANGUAGES:
        assert catalogue_path(language).is_file(), f"{language}: no catalogue at {catalogue_path(language)}"
    on_disk = {path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk <= set(LANGUAGES), f"catalogues for languages not in LANGUAGES: {sorted(on_disk - set(LANGUAGES))}"


def test_extraction_sees_templates_and_labels() -> None:
    """Guards the test itself: a broken mapping must not make every catalogue look complete."""
    ids = {message for message, _context in extracted()}
    assert "Country guides" in ids  # a template string
    assert "Taxes on imported goods" in ids  # an N_ label in web/labels.py
    assert len(ids) >= 50


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalog = catalogue(language)
    problems: list[str] = []
    for key, where in sorted(extracted().items(), key=lambda item: _describe(item[0])):
        message, context = key
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problems.append(f"{language}: missing {_describe(key)} (used at {where[0]})")
        elif entry.fuzzy:
            problems.append(f"{language}: fuzzy {_describe(key)}")
        elif isinstance(message, tuple) and not isinstance(entry.string, tuple):
            problems.append(f"{language}: {_describe(key)} has no plural forms")
        elif not all(entry.string if isinstance(entry.string, tuple) else (entry.string,)):
            problems.append(f"{language}: untranslated {_describe(key)}")
    assert not problems, (
        f"{len(problems)} message(s) not translated in the {language} catalogue; run pybabel extract + "
        "update (see src/crossborder/locale/README.md) and translate them:\n" + "\n".join(problems)
    )


def _python_placeholders(text: str) -> tuple[Counter[tuple[str, str]], list[str]]:
    """Named placeholders as a multiset of (name, conversion); positional ones in order."""
    named: Counter[tuple[str, str]] = Counter()
    positional: list[str] = []
    for match in PYTHON_FORMAT.finditer(text):
        name, conversion = match.group(1), match.group(3)
        if conversion == "%":
            continue
        if name:
            named[(name, conversion)] += 1
        else:
            positional.append(conversion)
    return named, positional


def _brace_placeholders(text: str) -> Counter[str]:
    return Counter(BRACE_FORMAT.findall(text))


def _pairs(entry: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs whose placeholders must agree."""
    if not isinstance(entry.id, tuple):
        return [(entry.id, entry.string)]
    singular, plural = entry.id[0], entry.id[1]
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if len(strings) == 1:  # nplurals=1: the one form stands for the plural message
        return [(plural, strings[0])]
    return [(singular, strings[0])] + [(plural, form) for form in strings[1:]]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_parses_and_placeholders_match(language: str) -> None:
    catalog = catalogue(language)
    assert str(catalog.locale) == language
    assert catalog.mime_headers and dict(catalog.mime_headers).get("Language") == language
    assert catalog.num_plurals == 1 and catalog.plural_expr == "0", f"{language}: Plural-Forms"
    assert not catalog.fuzzy, f"{language}: the header is marked fuzzy"
    problems: list[str] = []
    for entry, errors in catalog.check():  # babel's own checkers (python-format, plural count)
        problems.extend(f"{language}: {entry.id!r}: {error}" for error in errors)
    for entry in catalog:
        if not entry.id:
            continue
        for msgid, msgstr in _pairs(entry):
            if not msgstr:
                continue
            if _python_placeholders(msgid) != _python_placeholders(msgstr):
                problems.append(f"{language}: %-placeholders differ in {entry.id!r} -> {msgstr!r}")
            if _brace_placeholders(msgid) != _brace_placeholders(msgstr):
                problems.append(f"{language}: {{}}-placeholders differ in {entry.id!r} -> {msgstr!r}")
            if "<" in msgstr and "<" not in msgid:
                problems.append(f"{language}: markup in the translation of {entry.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_compiles_and_translates(language: str) -> None:
    assert translations(language).gettext("Country guides") != "Country guides"
    assert translations(DEFAULT_LANGUAGE).gettext("Country guides") == "Country guides"


@pytest.mark.parametrize(
    ("cookie", "accept_language", "expected"),
    [
        ("th", "vi-VN,vi;q=0.9", "th"),  # the switcher's choice wins over the browser
        ("en", "vi-VN,vi;q=0.9", "en"),
        (None, "vi-VN,vi;q=0.9", "vi"),
        (None, "fr", "en"),
        (None, "fr-FR,fr;q=0.9,ms-MY;q=0.8", "ms"),
        (None, "ID", "id"),
        ("xx", "th-TH", "th"),  # an unknown cookie is ignored
        ("", None, "en"),
        (None, None, "en"),
        (None, "", "en"),
    ],
)
def test_negotiate(cookie: str | None, accept_language: str | None, expected: str) -> None:
    assert negotiate(cookie, accept_language) == expected
