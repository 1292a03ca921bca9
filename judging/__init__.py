"""Reading verdicts from free text: label rules, the answer extractor, the pairwise judge.

Used by the pipeline agent (its router), the ``compare`` tool and the eval app; it imports
only the contracts, so all three may import it.
"""
