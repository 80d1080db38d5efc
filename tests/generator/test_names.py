from __future__ import annotations

import keyword

from hypothesis import given
from hypothesis import strategies as st

from generator._names import is_identifier, module_names, parameter_names


def test_module_names_from_ids() -> None:
    names = module_names(
        [
            "happyhorse-1.0-t2v",
            "kling-video-o3-4k-text-to-video",
            "ltx-2-3-pro-22b-IC-LoRA-Union-Control",
        ]
    )
    assert names == {
        "happyhorse-1.0-t2v": "happyhorse_1_0_t2v",
        "kling-video-o3-4k-text-to-video": "kling_video_o3_4k_text_to_video",
        "ltx-2-3-pro-22b-IC-LoRA-Union-Control": "ltx_2_3_pro_22b_ic_lora_union_control",
    }


def test_module_name_collisions_are_stable() -> None:
    first = module_names(["a.b", "a-b"])
    assert first["a-b"] == "a_b"  # the first id in sort order keeps the plain name
    assert first["a.b"].startswith("a_b_") and first["a.b"] != "a_b"
    # Adding an unrelated id never renames existing modules.
    assert module_names(["a.b", "a-b", "zzz"])["a.b"] == first["a.b"]


def test_hostile_ids_make_plain_identifiers() -> None:
    names = module_names(["../../etc/passwd", "class", "1.0", "", "__init__", "load", "x\ny"])
    for name in names.values():
        assert is_identifier(name) and "/" not in name and not name.startswith("_")
    assert names["class"] == "class_model"
    assert names["load"] == "load_model"


def test_parameter_aliases_keep_valid_names() -> None:
    names = parameter_names(
        ["aspect-ratio", "aspect_ratio", "class", "client", "prompt", "input", "str"]
    )
    assert names["aspect_ratio"] == "aspect_ratio"  # a valid name is never stolen by an alias
    assert names["aspect-ratio"].startswith("aspect_ratio_")
    assert names["class"] == "class_"
    assert names["client"] == "client_"  # clashes with the call functions' own parameter
    assert names["prompt"] == "prompt"
    assert names["input"] == "input"  # shadowing a builtin in a signature is fine
    assert names["str"] == "str_"  # but not a name the signatures themselves use


@given(st.lists(st.text(max_size=12), max_size=8, unique=True))
def test_parameter_names_are_unique_identifiers(wire: list[str]) -> None:
    names = parameter_names(wire)
    assert len(set(names.values())) == len(wire)
    for name in names.values():
        assert is_identifier(name) and not keyword.iskeyword(name)


@given(st.lists(st.text(max_size=12), max_size=8, unique=True))
def test_module_names_are_unique_identifiers(ids: list[str]) -> None:
    names = module_names(ids)
    assert len(set(names.values())) == len(ids)
    assert all(is_identifier(name) for name in names.values())
