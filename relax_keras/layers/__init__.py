"""The package's Keras layers, all in one place.

- `ReLaXBlock`: a bank of L_W weight sets reused through a switch schedule (one
  physical layer), over a sequence or a static input; `SwitchCell`: its step as an
  RNN cell, for `keras.layers.RNN`.
- `CharacterEmbedding`: a character embedding that carries its vocabulary.
- Hardware non-idealities: `NodeNoise` (as a block's activation), `ProgrammingNoise`
  and `Quantization` (in a block's `weight_programming` list).

The engines that run a block's steps (`_fused`, `_scan`) and the bank's initializers
are private.
"""

from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras.layers.node_noise import NodeNoise
from relax_keras.layers.relax_block import ReLaXBlock
from relax_keras.layers.switch_cell import SwitchCell
from relax_keras.layers.weight_programming import ProgrammingNoise
from relax_keras.layers.weight_programming import Quantization

__all__ = [
    "CharacterEmbedding",
    "NodeNoise",
    "ProgrammingNoise",
    "Quantization",
    "ReLaXBlock",
    "SwitchCell",
]
