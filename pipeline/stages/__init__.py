"""Pipeline stages, one module each; the order lives in ``pipeline.run.STAGES``."""
