"""Writes README.md's table of the shipped weights from their model cards.

Each card (`zoo/*.md`, named by its preset's `card`) opens with a two-column table;
its rows `weights`, `model`, `parameters` and `result` make the card's README row.
Run it after editing a card; `tests/test_zoo_cards.py` checks README.md is up to date.

Usage: python tools/write_zoo_table.py
"""

import pathlib

from relax_keras.zoo.pretrained import PRETRAINED

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- zoo table: written by tools/write_zoo_table.py -->", "<!-- end of zoo table -->"
COLUMNS = ("weights", "model", "parameters", "result")


def card_fields(card):
    """Returns the `| key | value |` rows of the card's first table, keys lowercased and
    without emphasis (the first row of a key, where a key repeats)."""
    fields = {}
    for line in card.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2:
            fields.setdefault(cells[0].strip("*").lower(), cells[1])
        elif fields:  # the first table ended
            break
    return fields


def table_lines():
    lines = ["| " + " | ".join(COLUMNS) + " | card |", "| --- " * (len(COLUMNS) + 1) + "|"]
    for name, record in PRETRAINED.items():
        card = ROOT / record["card"]
        fields = card_fields(card)
        missing = [column for column in COLUMNS if column not in fields]
        if missing:
            raise ValueError(f"The card {card} lacks the rows {missing} in its first table.")
        row = [fields[column] for column in COLUMNS] + [f"[{record['card']}]({record['card']})"]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def main():
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    readme.write_text(text[:start] + "\n" + "\n".join(table_lines()) + "\n" + text[end:])
    print(f"wrote the zoo table of {readme}")


if __name__ == "__main__":
    main()
