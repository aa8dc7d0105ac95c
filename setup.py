import pathlib
import re

from setuptools import find_packages
from setuptools import setup

HERE = pathlib.Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "relax_keras" / "__init__.py").read_text())[1]

setup(
    name="relax-keras",
    version=VERSION,
    description="ReLaX-Nets in Keras 3: physical neural networks that reuse a few "
    "slowly programmable weight sets through fast switches.",
    long_description=(HERE / "README.md").read_text(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["relax_keras", "relax_keras.*"]),
    package_data={"relax_keras": ["data/bundled/*", "zoo/weights/*"]},
    install_requires=[
        "tensorflow>=2.16",
        "keras>=3",
        "numpy",
        "tensorflow-datasets",
        # tfds builders import it, but tensorflow-datasets does not declare it.
        "importlib_resources",
        "keras-tuner",
        "scikit-learn",  # KerasTuner's BayesianOptimization (`relax-keras tune --tuner bayesian`)
        "matplotlib",
        "tensorboard",  # the training logs of `relax-keras train`
        "scipy",  # reads the official SVHN .mat files
    ],
    extras_require={"test": ["pytest"]},
    entry_points={"console_scripts": ["relax-keras=relax_keras.cli:main"]},
)
