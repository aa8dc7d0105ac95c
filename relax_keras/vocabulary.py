"""A character vocabulary: symbols <-> integer ids."""

import numpy as np

# The 65 symbols of Tiny Shakespeare, sorted (every character of the text).
TINY_SHAKESPEARE_SYMBOLS = (
    "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


class Vocabulary:
    """Maps characters to ids `0 .. size - 1` and back.

    Args:
        symbols: str, the symbols in id order, each once.

    Example:

    >>> vocabulary = Vocabulary("abc")
    >>> vocabulary.encode("cab")
    array([2, 0, 1], dtype=int32)
    >>> vocabulary.decode([2, 0, 1])
    'cab'
    """

    def __init__(self, symbols=TINY_SHAKESPEARE_SYMBOLS):
        if not isinstance(symbols, str) or not symbols or len(set(symbols)) != len(symbols):
            raise ValueError(
                "Received an invalid value for argument `symbols`, expected a non-empty "
                f"string of distinct characters, got {symbols!r}."
            )
        self.symbols = symbols
        self._ids = {symbol: index for index, symbol in enumerate(symbols)}

    @property
    def size(self):
        return len(self.symbols)

    def encode(self, text, argument="text"):
        """Returns the ids of `text` as an int32 array; unknown characters raise `ValueError`."""
        unknown = sorted(set(text) - self._ids.keys())
        if unknown:
            raise ValueError(
                f"Received an invalid value for argument `{argument}`: it has characters "
                f"outside the vocabulary: {unknown!r}. The vocabulary has {self.size} "
                f"symbols: {self.symbols!r}."
            )
        return np.fromiter((self._ids[c] for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids):
        """Returns the text of a sequence of ids."""
        return "".join(self.symbols[int(i)] for i in np.asarray(ids).reshape(-1))

    def get_config(self):
        return {"symbols": self.symbols}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and other.symbols == self.symbols

    def __repr__(self):
        return f"Vocabulary(size={self.size})"
