"""Hand a trained ReLaX-Net to hardware: export, load, and a NumPy reference.

`load` and `simulate` need NumPy alone: this package imports no TensorFlow or
Keras, so `from relax_keras.hardware import load, simulate` works on a machine
without them. `export` imports Keras when called.

Example:

>>> from relax_keras.hardware import export, load, simulate
>>> export(model, "runs/mnist_relax")                      # doctest: +SKIP
>>> spec = load("runs/mnist_relax.json")                   # doctest: +SKIP
>>> outputs, report = simulate(spec, images, report=True)  # doctest: +SKIP
"""

from relax_keras.hardware.export import export
from relax_keras.hardware.simulate import inference_report
from relax_keras.hardware.simulate import simulate
from relax_keras.hardware.spec import FORMAT_VERSION
from relax_keras.hardware.spec import load
