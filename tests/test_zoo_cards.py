"""The shipped weights' model cards: complete, consistent with the preset registry, and
the source of README.md's zoo table."""

import importlib.util
import pathlib

import pytest

from relax_keras.zoo import PRETRAINED

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_writer():
    spec = importlib.util.spec_from_file_location("write_zoo_table", ROOT / "tools" / "write_zoo_table.py")
    writer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(writer)
    return writer


def test_readme_zoo_table_is_written_from_the_cards():
    writer = load_writer()
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(writer.BEGIN) + len(writer.BEGIN):readme.index(writer.END)]
    assert block.strip().splitlines() == writer.table_lines()
    assert len(writer.table_lines()) == 2 + len(PRETRAINED)


@pytest.mark.parametrize("name", sorted(PRETRAINED))
def test_card_names_the_shipped_file_and_its_parameter_count(name):
    record = PRETRAINED[name]
    card = (ROOT / record["card"]).read_text()
    assert record["weights"]["sha256"] in card
    assert f"{record['params']:,}" in card
    for section in ("## Recipe", "validation", "## Known limits", "RNN end", "DNN end"):
        assert section in card, f"{record['card']} lacks {section!r}"
