"""`relax-keras study`: the paper's question, asked properly, as a KerasTuner search."""

from relax_keras.cli import arguments


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "study",
        help="the L_W x L_T study at several budgets with baselines (resumable, distributable)",
        description="Runs the study a JSON specification describes (see tuning/specs/study_*.json): "
        "every grid point and Keras baseline at each budget, learning rates chosen on the "
        "validation split with the first seed, the other seeds at the chosen rate. Rerun the "
        "same command to resume; start it with KERASTUNER_TUNER_ID (chief, tuner0, ...), "
        "KERASTUNER_ORACLE_IP and KERASTUNER_ORACLE_PORT in several processes to distribute it. "
        "Writes results.csv and curves.csv to the spec's output folder. With --archive, "
        "packs an ended study's records into one DIRECTORY/NAME.tar.gz; a rerun resumes from it.",
    )
    parser.add_argument("--spec", required=True, help="the study's JSON specification")
    parser.add_argument("--local-dir", help="directory with the official data files")
    parser.add_argument("--data-dir", help="tfds data directory")
    parser.add_argument("--archive", action="store_true",
                        help="pack the ended study's records into one archive and remove its folder")
    parser.add_argument("--verbose", type=arguments.verbosity(1), default=1, help="KerasTuner's trial reports: 0 or 1")
    parser.set_defaults(handler=run)


def run(args):
    import keras_tuner

    from relax_keras.tuning.failures import SearchStopped
    from relax_keras.tuning.study import archive_study
    from relax_keras.tuning.study import run_study
    from relax_keras.tuning.study_spec import StudySpec

    spec = StudySpec.from_file(args.spec)
    if args.archive:
        print(f"wrote {archive_study(spec)}")
        return
    given = {key: value for key, value in (("local_dir", args.local_dir), ("data_dir", args.data_dir)) if value}
    if given:
        spec = StudySpec(**{**spec.to_dict(), "sources": {**spec.sources, **given}})
    try:
        results = run_study(spec, verbose=args.verbose)
    except keras_tuner.errors.FatalError as error:  # a trial failed outside the model
        raise SearchStopped(str(error)) from error
    if results is not None:
        print(f"wrote {results} and {results.with_name('curves.csv')}")
