"""The monthly digest's figures, aggregated in the database."""
