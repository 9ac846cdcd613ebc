"""Large knowledge is read and freed without holding up the event loop."""

from __future__ import annotations

import threading

import pytest
import yaml

from bot.core.knowledge import loader
from bot.core import tasks
from bot.core.tasks import drop_off_loop, release


async def test_drop_off_loop_frees_the_last_reference_in_a_worker() -> None:
    freed_in: list[int] = []

    class Knowledge:
        def __del__(self) -> None:
            freed_in.append(threading.get_ident())

    holder = [Knowledge()]
    await drop_off_loop(holder)
    assert holder == [] and len(freed_in) == 1 and freed_in[0] != threading.get_ident()


def test_release_frees_what_only_the_holder_kept_and_leaves_what_is_shared_intact() -> None:
    freed: list[str] = []

    class Part:
        def __init__(self, name: str) -> None:
            self.name = name
            self.children: list[object] = []

        def __del__(self) -> None:
            freed.append(self.name)

    shared = [Part("shared"), "kept", 3]
    root = Part("root")
    cycle = Part("cycle")
    cycle.children.append(cycle)  # a cycle: walked once, left to the cycle collector
    wide = [f"word {i}" for i in range(tasks.RELEASE_WIDE * 3)] + [Part("in a wide list")]
    root.children += [Part("child"), {"key": (Part("in a tuple"),)}, shared, wide, cycle, Part, len]
    holder = [root]
    del root, cycle, wide
    release(holder)
    assert holder == []
    assert sorted(freed) == ["child", "in a tuple", "in a wide list", "root"]
    assert shared[1:] == ["kept", 3] and shared[0].name == "shared" and shared[0].children == []


def test_dismantle_empties_yaml_nodes_and_built_values_shared_or_not() -> None:
    node = yaml.compose("a: &x [1, 2, [3]]\nb: *x\nc: {d: e}\n")
    data = yaml.safe_load("a: &x [1, 2, [3]]\nb: *x\nc: {d: e}\n")
    inner = data["c"]
    loader.dismantle(node)
    loader.dismantle(data)
    assert node.value == [] and data == {} and inner == {}


@pytest.mark.parametrize("split", [1, 2, 3])
def test_utf8_is_checked_in_chunks_even_across_a_character_cut_in_two(monkeypatch, split: int) -> None:
    monkeypatch.setattr(loader, "_CHUNK", 4)
    text = ("ab" + "č€😀" * 3).encode()
    assert loader._is_utf8(text[split:]) is (split in (1, 2))  # cutting into "č" at offset 3 leaves junk
    assert loader._is_utf8(text)
    assert not loader._is_utf8(text[:-1])
    assert not loader._is_utf8(b"abc\xe9def")
