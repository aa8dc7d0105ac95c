"""Hardware non-idealities, as options outside the switched step.

- `NodeNoise`: Gaussian node noise (additive, multiplicative), as the block's
  `activation`.
- `ProgrammingNoise`: noise on the programmed weight sets, drawn per weight set per
  evaluation; `Quantization`: weights limited to a range and quantized to b bits
  (straight-through gradients). Both go in a block's `weight_programming` list.
- Physical nonlinearities: `activation="sin2"` or `"saturable_absorber"`.

The layers live in `relax_keras.layers`; this module names the non-ideal ones.
"""

from relax_keras.layers.node_noise import NodeNoise
from relax_keras.layers.weight_programming import ProgrammingNoise
from relax_keras.layers.weight_programming import Quantization

__all__ = ["NodeNoise", "ProgrammingNoise", "Quantization"]
