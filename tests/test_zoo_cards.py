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


COMPARISONS = [  # card, run folder, run patterns, score: each card's table against both ends
    ("zoo/image_relax_mnist.md", "zoo/runs/image_relax_mnist/comparison", ["*"], "validation"),
    ("zoo/shakespeare_relax_tiny_shakespeare.md", "zoo/runs/shakespeare_relax_tiny_shakespeare/nanogpt_search",
     ["noise0.05_s*", "rnn_end_s*", "dnn_end_s*"], "nanogpt_validation"),
]


def cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.mark.results
@pytest.mark.parametrize("card, folder, runs, score", COMPARISONS)
def test_card_comparison_table_is_computed_from_the_committed_runs(repository_script, card, folder, runs, score):
    compare_runs = repository_script("zoo/compare_runs.py")
    computed = compare_runs.table(*compare_runs.read_runs(ROOT / folder, runs, score), (2, 2))
    lines = (ROOT / card).read_text().splitlines()
    start = lines.index(computed[0])
    for written, expected in zip(lines[start:start + len(computed)], computed):
        written, expected = cells(written), cells(expected)
        assert written[0].startswith(expected[0])  # the card may name the point: "(1, 4) RNN end"
        assert written[1:] == expected[1:], f"{card}: {written} is not {expected}"


@pytest.mark.results
def test_card_screening_table_is_computed_from_the_committed_runs(repository_script):
    compare_runs = repository_script("zoo/compare_runs.py")
    folder = ROOT / "zoo/runs/shakespeare_relax_tiny_shakespeare/nanogpt_search"
    screened = ["base_s0", "wd0.1_s0", "noise0.05_s0", "drop0.1_wd0.1_e40_s0", "w4r2_s0", "seq256_s0", "emb96_s0"]
    computed, chosen = compare_runs.screen(compare_runs.read_scored(folder, screened, compare_runs.NANOGPT),
                                           "base_s0", 0.005)
    assert chosen == "noise0.05_s0"
    card = (ROOT / "zoo/shakespeare_relax_tiny_shakespeare.md").read_text().splitlines()
    for expected in map(cells, computed[2:]):
        written = cells(next(line for line in card if line.startswith(f"| {expected[0]} |")))
        # the card adds a note to some changes and a column, the commit
        assert written[1].startswith(expected[1]) and written[2:6] == expected[2:6], f"{written} is not {expected}"
