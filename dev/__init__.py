"""Development tools, outside the runtime package: ``python -m dev.bench`` (benchmarks,
``make bench``) and ``python -m dev.word_template`` (rebuilds the Word template). Run them
from the repository root with the project's virtualenv."""
