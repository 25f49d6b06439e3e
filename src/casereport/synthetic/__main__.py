"""python -m casereport.synthetic: see casereport.synthetic.cohort.main."""

import sys

from casereport.synthetic.cohort import main

sys.exit(main())
