"""The Gradio web presenter: ``bot serve gradio``.

Importing this package is cheap; ``gradio`` itself (about 3 s to import) is imported only
by :mod:`presenters.gradio.app` and the modules it uses. Gradio's analytics are switched off
before that import so the server never tries the network on its own.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
