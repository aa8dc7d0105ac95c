"""The package's layering: the core (layers, saving, hardware, budget, schedules) never
imports the zoo, the data pipelines, tuning or the command line, and the zoo imports
no data pipeline. Checked in fresh processes, by the modules they end up importing."""

import subprocess
import sys

ABOVE_THE_CORE = ("relax_keras.zoo", "relax_keras.data", "relax_keras.tuning", "relax_keras.cli",
                  "relax_keras.tasks", "tensorflow_datasets", "keras_tuner")


def imported_modules(script):
    probe = f"{script}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_load_model_imports_the_layers_and_zoo_classes_only(tmp_path):
    from relax_keras import zoo

    path = tmp_path / "model.keras"
    zoo.shakespeare_relax(units=8, weight_sets=2, repeats=1).save(path)
    modules = imported_modules(
        f"import relax_keras; model = relax_keras.load_model({str(path)!r})\n"
        "assert model.get_layer('embedding').vocabulary.size == 65")
    above_the_zoo = tuple(m for m in ABOVE_THE_CORE if m != "relax_keras.zoo")
    assert [m for m in modules if m.startswith(above_the_zoo)] == []
    ours = [m for m in modules if m.startswith("relax_keras")]
    assert {"relax_keras.layers.relax_block", "relax_keras.zoo.causal_lm"} <= set(ours) and len(ours) <= 45, ours


CORE = ("relax_keras.layers", "relax_keras.saving", "relax_keras.hardware", "relax_keras.budget",
        "relax_keras.schedules", "relax_keras.activations", "relax_keras.nonideal")


def test_the_core_imports_nothing_above_it():
    # one process: if any core module imported a module above the core, it would be there
    modules = imported_modules("\n".join(f"import {module}" for module in CORE))
    assert set(CORE) <= set(modules)
    assert [m for m in modules if m.startswith(ABOVE_THE_CORE)] == []


def test_the_zoo_imports_no_data_pipeline_or_tuner():
    modules = imported_modules("from relax_keras.zoo import image_relax, shakespeare_relax, from_preset")
    assert [m for m in modules if m.startswith(("relax_keras.data", "tensorflow_datasets",
                                                 "relax_keras.tuning", "keras_tuner",
                                                 "relax_keras.cli"))] == []
