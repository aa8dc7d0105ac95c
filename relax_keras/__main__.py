import sys

from relax_keras.cli import main

sys.exit(main())
