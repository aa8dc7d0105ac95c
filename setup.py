import pathlib
import re

from setuptools import find_packages
from setuptools import setup

HERE = pathlib.Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "relax_keras" / "__init__.py").read_text())[1]

DATA = ["tensorflow-datasets", "importlib_resources", "scipy"]
TUNING = ["keras-tuner", "tensorboard", "scikit-learn", "scipy", "matplotlib"]
PLOTS = ["matplotlib", "tensorboard"]

setup(
    name="relax-keras",
    version=VERSION,
    description="ReLaX-Nets in Keras 3: physical neural networks that reuse a few "
    "slowly programmable weight sets through fast switches.",
    long_description=(HERE / "README.md").read_text(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["relax_keras", "relax_keras.*"]),
    package_data={"relax_keras": ["data/bundled/*", "zoo/weights/*", "tuning/measured.csv"]},
    # the core: the layers, the zoo, the bundled Tiny Shakespeare, `relax-keras evaluate`
    install_requires=["tensorflow>=2.16", "keras>=3", "numpy"],
    extras_require={
        # tfds (its builders import importlib_resources without declaring it); SciPy
        # reads SVHN's .mat files
        "data": DATA,
        # KerasTuner (and TensorBoard, which it imports to log a trial's TensorBoard callback);
        # scikit-learn for its BayesianOptimization; SciPy for the study's statistics
        "tuning": TUNING,
        "plots": PLOTS,  # learning curves, study figures, TensorBoard logs of `train`
        "test": DATA + TUNING + PLOTS + ["pytest", "pytest-xdist", "hypothesis"],
    },
    entry_points={"console_scripts": ["relax-keras=relax_keras.cli:main"]},
)
