"""What the zoo's model classes share: presets (listing, loading, saving) as keras-hub has them."""

import hashlib
import json
import pathlib

import keras

from relax_keras.zoo.architecture import compile_classifier

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
CARD_FILE = "README.md"


class classproperty(property):
    """A read-only property of the class itself (keras-hub's `Class.presets`)."""

    def __get__(self, instance, owner):
        return self.fget(owner)


class PresetModel:
    """Mixin of the zoo's `keras.Model` classes: `presets`, `from_preset`,
    `save_to_preset`, the zoo's default compile, and a config of constructor arguments.

    A subclass names the zoo builder whose presets it serves (`builder`, its name), its default
    learning rate, and keeps its resolved constructor arguments in `_architecture` and
    its serialized `weight_programming` in `_weight_programming`.
    """

    builder = None
    default_learning_rate = 1e-3

    def compile_default(self, learning_rate=None):
        """Compiles with the zoo's defaults: Adam (clipped at norm 1), sparse
        cross-entropy (from logits when the head has no activation), accuracy."""
        compile_classifier(self, self._architecture["classifier_activation"],
                           learning_rate or self.default_learning_rate)

    def get_config(self):
        return {
            "name": self.name, "trainable": self.trainable, **self._architecture,
            "weight_programming": self._weight_programming,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["weight_programming"] = keras.saving.deserialize_keras_object(config.get("weight_programming"))
        return cls(**config)

    @classproperty
    def presets(cls):
        """The presets this class builds: name -> description, parameters, weights, card."""
        from relax_keras.zoo.presets import PRESETS

        return {
            name: {"description": record["description"], "params": record["params"],
                   "weights": record["weights"] is not None, "card": record["card"]}
            for name, record in PRESETS.items() if record["builder"].__name__ == cls.builder
        }

    @classmethod
    def from_preset(cls, preset, **overrides):
        """Builds a preset of this class, with its shipped weights if it has any.

        Args:
            preset: a name from `presets` (or one of its aliases), or the folder
                `save_to_preset` wrote.
            **overrides: constructor arguments that replace the preset's (named presets).

        Returns:
            A compiled instance of this class.
        """
        from relax_keras.zoo import presets as registry

        if pathlib.Path(str(preset)).is_dir():
            if overrides:
                raise ValueError(f"A preset folder fixes its model; got overrides {sorted(overrides)}.")
            return cls._from_preset_folder(pathlib.Path(preset))
        name = registry.canonical_name(preset)
        if registry.PRESETS[name]["builder"].__name__ != cls.builder:
            raise ValueError(
                f"Received an invalid value for argument `preset`: {preset!r} is a preset of "
                f"`{registry.PRESETS[name]['builder'].__name__}`, not of {cls.__name__}; "
                f"{cls.__name__}.presets lists {sorted(cls.presets)}."
            )
        return registry.from_preset(name, **overrides)

    def save_to_preset(self, preset_dir):
        """Writes this model as a preset folder: config, weights (with sha256), metadata
        and a model card. `from_preset(preset_dir)` gives it back.

        Refuses a folder that exists and is not empty, so nothing is overwritten.
        """
        folder = pathlib.Path(preset_dir)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ValueError(
                f"Received an invalid value for argument `preset_dir`: {str(folder)!r} exists and "
                "is not an empty folder; name a new one."
            )
        from relax_keras import __version__

        folder.mkdir(parents=True, exist_ok=True)
        self.save_weights(folder / WEIGHTS_FILE)
        (folder / CONFIG_FILE).write_text(json.dumps(keras.saving.serialize_keras_object(self), indent=2) + "\n")
        metadata = {
            "class": type(self).__name__, "params": self.count_params(),
            "weights_sha256": hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest(),
            "relax_keras": __version__, "keras": keras.__version__,
        }
        (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
        (folder / CARD_FILE).write_text(
            f"# {self.name}\n\nA `relax_keras.zoo.{type(self).__name__}` with {self.count_params():,} "
            f"parameters, saved by relax-keras {__version__}.\n\n"
            f"    model = {type(self).__name__}.from_preset({str(folder)!r})\n"
        )

    @classmethod
    def _from_preset_folder(cls, folder):
        missing = [name for name in (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE) if not (folder / name).is_file()]
        if missing:
            raise ValueError(f"The preset folder {folder} lacks {missing}; `save_to_preset` writes them.")
        metadata = json.loads((folder / METADATA_FILE).read_text())
        if metadata.get("class") != cls.__name__:
            raise ValueError(f"The preset folder {folder} holds a {metadata.get('class')}, not a {cls.__name__}.")
        digest = hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest()
        if digest != metadata.get("weights_sha256"):
            raise ValueError(f"The weights in {folder} are damaged or changed: sha256 {digest}, "
                             f"expected {metadata.get('weights_sha256')}.")
        model = keras.saving.deserialize_keras_object(json.loads((folder / CONFIG_FILE).read_text()))
        model.load_weights(folder / WEIGHTS_FILE)
        model.compile_default()
        return model
