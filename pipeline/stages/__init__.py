"""Pipeline stages, one module each; the order lives in ``pipeline.run.STAGES``.

A stage takes and returns one ``Doc``, except those marked ``over_many``: they take and return
a list of them, the articles of a batch still running (the NER model, whose cost is mostly
per call, tags a batch's names in one call).
"""


def over_many(stage):
    """Mark a stage that runs over a list of documents at once."""
    stage.over_many = True
    return stage
