"""Patterns compiled on first use match as the patterns they stand for."""

from __future__ import annotations

import pickle
import re

import pytest

from bot.core.matching import chat, detail, fusion, normalise
from bot.core.matching.lazyre import LazyPattern

TEXT = "Mao Ning, China's spokesperson, said on 12 May 2023: call +381 11 123 4567 or mail info@example.org."


@pytest.mark.parametrize("source", [r"\b[A-Z]\w+", r"(\d+) (\w+)", r"[,:]\s*", r"(?i)mao|NING"])
def test_a_lazy_pattern_matches_as_the_compiled_pattern(source: str) -> None:
    lazy, compiled = LazyPattern(source), re.compile(source)
    for method in ("search", "match", "fullmatch"):
        found, expected = getattr(lazy, method)(TEXT), getattr(compiled, method)(TEXT)
        assert (found and found.span()) == (expected and expected.span())
    assert [m.span() for m in lazy.finditer(TEXT, 5)] == [m.span() for m in compiled.finditer(TEXT, 5)]
    assert lazy.findall(TEXT) == compiled.findall(TEXT)
    assert lazy.split(TEXT, 2) == compiled.split(TEXT, 2)
    assert lazy.sub("_", TEXT, 1) == compiled.sub("_", TEXT, 1)
    assert lazy.sub(lambda m: m.group(0).upper(), TEXT) == compiled.sub(lambda m: m.group(0).upper(), TEXT)
    assert pickle.loads(pickle.dumps(lazy)).findall(TEXT) == compiled.findall(TEXT)


def test_a_lazy_pattern_is_compiled_by_its_first_use_and_only_then(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    original = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    lazy = LazyPattern(r"\bspokesperson\b", re.IGNORECASE)
    assert compiled == []
    assert lazy.search(TEXT.upper()) and lazy.search(TEXT) and not lazy.match(TEXT)
    assert compiled == [r"\bspokesperson\b"]


def test_every_pattern_of_the_matching_modules_compiled_on_first_use_compiles() -> None:
    # (a mistake in one that few questions reach would otherwise show only when one does)
    lazy = [
        value
        for module in (chat, detail, fusion, normalise)
        for value in vars(module).values()
        if isinstance(value, LazyPattern)
    ]
    lazy += [pattern for _, pattern in detail._WHICH_ABROAD_Q]
    assert len(lazy) > 30
    for pattern in lazy:
        assert pattern.compiled.pattern == pattern.pattern and pattern.compiled.flags & ~re.UNICODE == pattern.flags
