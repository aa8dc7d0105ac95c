"""Trials that fail for a cause outside the model stop the search instead of passing as
done.

KerasTuner marks a trial whose `run_trial` raises as INVALID and goes on, so a missing
data file or a full disk used every trial up for good: the job "finished" with nothing
trained, and a rerun after fixing the cause trained nothing either. Here (`engine.ReLaXTuner`) such a trial
raises `keras_tuner.errors.FatalError` instead: the search stops, the trial stays
unfinished (as after a kill), and rerunning the same command retries it. A point the
budget cannot hold (`keras_tuner.errors.FailedTrialError`) stays skipped.
"""

import keras_tuner


class SearchStopped(ValueError):
    """The command line's form of the `FatalError` a trial raised (a `ValueError`, which
    the command line reports in one line with a non-zero exit)."""


def stop_the_search(trial, error):
    """Returns the `FatalError` that stops a search whose `trial` failed with `error`."""
    return keras_tuner.errors.FatalError(
        f"Trial {trial.trial_id} failed for a cause outside the model ({type(error).__name__}: "
        f"{error}). The search stopped; fix the cause and rerun the same command to retry it.")

