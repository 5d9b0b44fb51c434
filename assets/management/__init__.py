"""Management commands for operators: bulk import and reprocessing."""
